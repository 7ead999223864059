"""Cameras: list, view, register and remove, scoped to the caller's tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.domain.cameras.messages import RegisterCamera, RemoveCamera
from kuzet.domain.cameras.model import CAMERA_ID_PATTERN, Camera, CameraKind, CameraPurpose
from kuzet.domain.geo import GeoPoint
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/cameras", tags=["cameras"])

CanRead = Annotated[Principal, Depends(Authorize(Permission.CAMERAS_READ, "view_cameras"))]
CanWrite = Annotated[
    Principal, Depends(Authorize(Permission.CAMERAS_WRITE, "change_cameras", audit_view=False))
]


class CameraBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: CameraKind
    purpose: CameraPurpose
    district_id: str = Field(max_length=64)
    owner_tenant_id: str | None = Field(None, max_length=64)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    heading_deg: float | None = Field(None, ge=0, lt=360)
    enabled: bool = True


class CameraCreate(CameraBase):
    id: str = Field(pattern=CAMERA_ID_PATTERN.pattern)
    stream_url: str | None = Field(None, max_length=2000)
    sub_stream_url: str | None = Field(None, max_length=2000)

    def to_domain(self) -> Camera:
        position = GeoPoint(self.lat, self.lon) if self.lat is not None and self.lon is not None else None
        return Camera(
            id=self.id,
            name=self.name,
            kind=self.kind,
            purpose=self.purpose,
            district_id=self.district_id,
            owner_tenant_id=self.owner_tenant_id,
            position=position,
            heading_deg=self.heading_deg,
            stream_url=self.stream_url,
            sub_stream_url=self.sub_stream_url,
            enabled=self.enabled,
        )


class CameraPublic(CameraBase):
    """Stream URLs stay out: they often carry device credentials."""

    id: str

    @classmethod
    def of(cls, camera: Camera) -> CameraPublic:
        return cls(
            id=camera.id,
            name=camera.name,
            kind=camera.kind,
            purpose=camera.purpose,
            district_id=camera.district_id,
            owner_tenant_id=camera.owner_tenant_id,
            lat=camera.position.lat if camera.position else None,
            lon=camera.position.lon if camera.position else None,
            heading_deg=camera.heading_deg,
            enabled=camera.enabled,
        )


@router.get("")
def list_cameras(
    principal: CanRead,
    kuzet: KuzetDep,
    district_id: Annotated[str | None, Query(max_length=64)] = None,
    kind: CameraKind | None = None,
) -> list[CameraPublic]:
    with kuzet.uow() as uow:
        cameras = uow.cameras.list(principal.scope, district_id, kind.value if kind else None)
    return [CameraPublic.of(c) for c in cameras]


@router.get("/{camera_id}")
def get_camera(camera_id: str, principal: CanRead, kuzet: KuzetDep) -> CameraPublic:
    with kuzet.uow() as uow:
        camera = uow.cameras.get(camera_id, principal.scope)
    if camera is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"camera {camera_id!r} not found")
    return CameraPublic.of(camera)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_camera(body: CameraCreate, principal: CanWrite, kuzet: KuzetDep) -> CameraPublic:
    if not principal.scope.is_unrestricted and body.owner_tenant_id != principal.scope.tenant_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you may register cameras of your own tenant only")
    try:
        camera = body.to_domain()
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    kuzet.messagebus.handle(RegisterCamera(camera=camera), principal.actor)
    return CameraPublic.of(camera)


@router.delete("/{camera_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_camera(camera_id: str, principal: CanWrite, kuzet: KuzetDep) -> None:
    with kuzet.uow() as uow:
        visible = uow.cameras.get(camera_id, principal.scope) is not None
    if not visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"camera {camera_id!r} not found")
    kuzet.messagebus.handle(RemoveCamera(camera_id=camera_id), principal.actor)
