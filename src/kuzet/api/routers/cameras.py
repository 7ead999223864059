"""Cameras: list, view, register and remove, scoped to the caller's tenant."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from kuzet.api.contract import link, links
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.cameras.messages import RegisterCamera, RemoveCamera
from kuzet.domain.cameras.model import CAMERA_ID_PATTERN, Camera, CameraKind, CameraPurpose
from kuzet.domain.geo import GeoPoint
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/cameras", tags=["cameras"], responses=responses(*AUTHENTICATED))

CanRead = Annotated[Principal, Depends(Authorize(Permission.CAMERAS_READ, "view_cameras"))]
CanWrite = Annotated[
    Principal, Depends(Authorize(Permission.CAMERAS_WRITE, "change_cameras", audit_view=False))
]


class CameraFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    purpose: CameraPurpose
    district_id: str = Field(max_length=64)
    owner_tenant_id: str | None = Field(None, max_length=64)
    heading_deg: float | None = Field(None, ge=0, lt=360, strict=True)
    enabled: bool = Field(True, strict=True)


def _needs_position(value: object) -> object:
    if value is None:
        raise ValueError("a fixed camera needs a position (lat and lon)")
    return value


# A fixed camera's position: required, a number (pydantic names the rule when it is left out).
FixedCoordinate = Annotated[float, BeforeValidator(_needs_position)]
FixedKind = Literal["street", "ptz", "entrance", "courtyard", "school", "shop", "traffic_post"]
MobileKind = Literal["body_cam", "drone", "mobile_enforcement"]


class CameraCreateFields(CameraFields):
    id: str = Field(pattern=CAMERA_ID_PATTERN.pattern)
    kind: str
    lat: float | None
    lon: float | None
    stream_url: str | None = Field(None, max_length=2000)
    sub_stream_url: str | None = Field(None, max_length=2000)

    def to_domain(self) -> Camera:
        lat, lon = self.lat, self.lon
        position = GeoPoint(lat, lon) if lat is not None and lon is not None else None
        return Camera(
            id=self.id,
            name=self.name,
            kind=CameraKind(self.kind),
            purpose=self.purpose,
            district_id=self.district_id,
            owner_tenant_id=self.owner_tenant_id,
            position=position,
            heading_deg=self.heading_deg,
            stream_url=self.stream_url,
            sub_stream_url=self.sub_stream_url,
            enabled=self.enabled,
        )


class FixedCameraCreate(CameraCreateFields):
    """A camera on a pole or a wall: it has a position."""

    kind: FixedKind
    lat: FixedCoordinate = Field(ge=-90, le=90, strict=True)
    lon: FixedCoordinate = Field(ge=-180, le=180, strict=True)


class MobileCameraCreate(CameraCreateFields):
    """A body cam, drone or mobile enforcement camera: it moves, so a position is optional."""

    kind: MobileKind
    lat: float | None = Field(None, ge=-90, le=90, strict=True)
    lon: float | None = Field(None, ge=-180, le=180, strict=True)


CameraCreate = Annotated[FixedCameraCreate | MobileCameraCreate, Field(discriminator="kind")]


class CameraPublic(CameraFields):
    """Stream URLs stay out: they often carry device credentials."""

    id: str
    kind: CameraKind
    lat: float | None
    lon: float | None

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


CAMERA_ID = "$response.body#/id"
_CAMERA_LINKS = {
    "GetCamera": link("GET", "/api/cameras/{camera_id}", "The camera", camera_id=CAMERA_ID),
    "DeviceHistory": link(
        "GET", "/api/fleet/devices/{camera_id}/history", "Its lifecycle history", camera_id=CAMERA_ID
    ),
    "ChangeDeviceState": link(
        "POST", "/api/fleet/devices/{camera_id}/state", "Move it through its lifecycle", camera_id=CAMERA_ID
    ),
    "DeleteCamera": link("DELETE", "/api/cameras/{camera_id}", "Remove it", camera_id=CAMERA_ID),
}


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            GetFirstCamera=link(
                "GET", "/api/cameras/{camera_id}", "The first camera", camera_id="$response.body#/0/id"
            )
        )
    },
)
def list_cameras(
    principal: CanRead,
    kuzet: KuzetDep,
    district_id: Annotated[str | None, Query(max_length=64)] = None,
    kind: CameraKind | None = None,
) -> list[CameraPublic]:
    with kuzet.uow() as uow:
        cameras = uow.cameras.list(principal.scope, district_id, kind.value if kind else None)
    return [CameraPublic.of(c) for c in cameras]


@router.get("/{camera_id}", responses=responses(404, 422) | {200: links(**_CAMERA_LINKS)})
def get_camera(camera_id: str, principal: CanRead, kuzet: KuzetDep) -> CameraPublic:
    with kuzet.uow() as uow:
        camera = uow.cameras.get(camera_id, principal.scope)
    if camera is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"camera {camera_id!r} not found")
    return CameraPublic.of(camera)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description="Register a camera; a fixed one (not a body cam, drone or mobile one) needs `lat` and `lon`.",
    responses=responses(404, 409, 422) | {201: links(**_CAMERA_LINKS)},
)
def create_camera(body: CameraCreate, principal: CanWrite, kuzet: KuzetDep) -> CameraPublic:
    if not principal.scope.is_unrestricted and body.owner_tenant_id != principal.scope.tenant_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you may register cameras of your own tenant only")
    try:
        camera = body.to_domain()
    except ValueError as exc:  # the model states each rule; this is the domain's second line of defence
        raise InvalidRequestError(str(exc), ("body",)) from None
    kuzet.messagebus.handle(RegisterCamera(camera=camera), principal.actor)
    return CameraPublic.of(camera)


@router.delete("/{camera_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(404, 422))
def delete_camera(camera_id: str, principal: CanWrite, kuzet: KuzetDep) -> None:
    with kuzet.uow() as uow:
        visible = uow.cameras.get(camera_id, principal.scope) is not None
    if not visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"camera {camera_id!r} not found")
    kuzet.messagebus.handle(RemoveCamera(camera_id=camera_id), principal.actor)
