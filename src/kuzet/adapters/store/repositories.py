"""Repositories: the only place that queries tables; they take and return domain objects."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuzet.adapters.store.tables import (
    CameraRow,
    DistrictRow,
    PatrolUnitRow,
    ProcessedEventRow,
    TenantRow,
    UserRow,
)
from kuzet.adapters.store.values import point_or_none
from kuzet.domain.cameras import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.units import PatrolUnit, UnitKind, UnitStatus
from kuzet.domain.users import Role, Tenant, TenantKind, TenantScope, User
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


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(
        row.id, row.name, TenantKind(row.kind), frozenset(OffenseCategory(c) for c in row.allowed_categories)
    )


class SqlTenantRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, tenant: Tenant) -> None:
        if self._session.get(TenantRow, tenant.id) is not None:
            raise ConflictError(f"tenant {tenant.id!r} already exists")
        self._session.add(
            TenantRow(
                id=tenant.id,
                name=tenant.name,
                kind=tenant.kind.value,
                allowed_categories=sorted(c.value for c in tenant.allowed_categories),
            )
        )
        self._session.flush()

    def get(self, tenant_id: str) -> Tenant | None:
        row = self._session.get(TenantRow, tenant_id)
        return None if row is None else _tenant(row)

    def list(self, scope: TenantScope) -> list[Tenant]:
        query = select(TenantRow).order_by(TenantRow.id)
        if not scope.is_unrestricted:
            query = query.where(TenantRow.id == scope.tenant_id)
        return [_tenant(r) for r in self._session.scalars(query)]


def _user(row: UserRow) -> User:
    return User(row.username, Role(row.role), row.tenant_id, row.full_name, row.active)


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User, password_hash: str) -> None:
        if self._session.get(UserRow, user.username) is not None:
            raise ConflictError(f"user {user.username!r} already exists")
        self._session.add(
            UserRow(
                username=user.username,
                password_hash=password_hash,
                role=user.role.value,
                tenant_id=user.tenant_id,
                full_name=user.full_name,
                active=user.active,
            )
        )
        self._session.flush()

    def get(self, username: str) -> User | None:
        row = self._session.get(UserRow, username)
        return None if row is None else _user(row)

    def password_hash(self, username: str) -> str | None:
        row = self._session.get(UserRow, username)
        return None if row is None else row.password_hash

    def set_password_hash(self, username: str, password_hash: str) -> None:
        row = self._session.get(UserRow, username)
        if row is None:
            raise ConflictError(f"user {username!r} does not exist")
        row.password_hash = password_hash

    def list(self) -> list[User]:
        return [_user(r) for r in self._session.scalars(select(UserRow).order_by(UserRow.username))]


def _unit(row: PatrolUnitRow) -> PatrolUnit:
    return PatrolUnit(
        row.id,
        row.call_sign,
        UnitKind(row.kind),
        row.district_id,
        UnitStatus(row.status),
        point_or_none(row.lat, row.lon),
    )


class SqlUnitRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, unit: PatrolUnit) -> None:
        if self._session.get(PatrolUnitRow, unit.id) is not None:
            raise ConflictError(f"unit {unit.id!r} already exists")
        self._session.add(
            PatrolUnitRow(
                id=unit.id,
                call_sign=unit.call_sign,
                kind=unit.kind.value,
                district_id=unit.district_id,
                status=unit.status.value,
                lat=unit.position.lat if unit.position else None,
                lon=unit.position.lon if unit.position else None,
            )
        )
        self._session.flush()

    def get(self, unit_id: str) -> PatrolUnit | None:
        row = self._session.get(PatrolUnitRow, unit_id)
        return None if row is None else _unit(row)

    def list(self, district_id: str | None = None) -> list[PatrolUnit]:
        query = select(PatrolUnitRow).order_by(PatrolUnitRow.id)
        if district_id is not None:
            query = query.where(PatrolUnitRow.district_id == district_id)
        return [_unit(r) for r in self._session.scalars(query)]


class SqlProcessedEvents:
    """Processed event ids per consumer, stored in the same database as the consumer's effects."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def already_processed(self, consumer: str, event_id: UUID) -> bool:
        return self._session.get(ProcessedEventRow, (consumer, str(event_id))) is not None

    def mark_processed(self, consumer: str, event_id: UUID) -> None:
        self._session.add(
            ProcessedEventRow(consumer=consumer, event_id=str(event_id), processed_at=datetime.now(UTC))
        )
        self._session.flush()
