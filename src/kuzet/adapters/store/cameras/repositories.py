"""Repositories of cameras and districts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuzet.adapters.store.cameras.tables import CameraRow, DistrictRow
from kuzet.adapters.store.values import point_or_none
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError


def _camera(row: CameraRow) -> Camera:
    return Camera(
        id=row.id,
        name=row.name,
        kind=CameraKind(row.kind),
        purpose=CameraPurpose(row.purpose),
        district_id=row.district_id,
        owner_tenant_id=row.owner_tenant_id,
        position=point_or_none(row.lat, row.lon),
        heading_deg=row.heading_deg,
        stream_url=row.stream_url,
        sub_stream_url=row.sub_stream_url,
        enabled=row.enabled,
    )


def _fill_camera_row(row: CameraRow, camera: Camera) -> None:
    row.name, row.kind, row.purpose = camera.name, camera.kind.value, camera.purpose.value
    row.district_id, row.owner_tenant_id = camera.district_id, camera.owner_tenant_id
    row.lat = camera.position.lat if camera.position else None
    row.lon = camera.position.lon if camera.position else None
    row.heading_deg, row.stream_url, row.sub_stream_url = (
        camera.heading_deg,
        camera.stream_url,
        camera.sub_stream_url,
    )
    row.enabled = camera.enabled


class SqlCameraRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, camera: Camera) -> None:
        if self._session.get(CameraRow, camera.id) is not None:
            raise ConflictError(f"camera {camera.id!r} already exists")
        row = CameraRow(id=camera.id)
        _fill_camera_row(row, camera)
        self._session.add(row)
        self._session.flush()

    def update(self, camera: Camera) -> None:
        row = self._session.get(CameraRow, camera.id)
        if row is None:
            raise ConflictError(f"camera {camera.id!r} does not exist")
        _fill_camera_row(row, camera)
        self._session.flush()

    def get(self, camera_id: str, scope: TenantScope) -> Camera | None:
        row = self._session.get(CameraRow, camera_id)
        if row is None or not (scope.is_unrestricted or row.owner_tenant_id == scope.tenant_id):
            return None
        return _camera(row)

    def list(
        self, scope: TenantScope, district_id: str | None = None, kind: str | None = None
    ) -> list[Camera]:
        query = select(CameraRow).order_by(CameraRow.id)
        if not scope.is_unrestricted:
            query = query.where(CameraRow.owner_tenant_id == scope.tenant_id)
        if district_id is not None:
            query = query.where(CameraRow.district_id == district_id)
        if kind is not None:
            query = query.where(CameraRow.kind == kind)
        return [_camera(row) for row in self._session.scalars(query)]

    def remove(self, camera_id: str) -> bool:
        row = self._session.get(CameraRow, camera_id)
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(CameraRow)) or 0


class SqlDistrictRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, district: District) -> None:
        if self._session.get(DistrictRow, district.id) is not None:
            raise ConflictError(f"district {district.id!r} already exists")
        self._session.add(
            DistrictRow(id=district.id, name=district.name, lat=district.center.lat, lon=district.center.lon)
        )
        self._session.flush()

    def get(self, district_id: str) -> District | None:
        row = self._session.get(DistrictRow, district_id)
        return None if row is None else District(row.id, row.name, GeoPoint(row.lat, row.lon))

    def list(self) -> list[District]:
        rows = self._session.scalars(select(DistrictRow).order_by(DistrictRow.id))
        return [District(r.id, r.name, GeoPoint(r.lat, r.lon)) for r in rows]
