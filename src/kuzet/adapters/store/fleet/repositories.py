"""Repositories of the fleet: picture-health history, device lifecycle states, maintenance tickets.

"Latest per camera" questions are one windowed query each (``ROW_NUMBER() OVER (PARTITION BY
camera_id ...)``), on SQLite and PostgreSQL alike, never one query per camera.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from kuzet.adapters.store.cameras.tables import CameraRow
from kuzet.adapters.store.fleet.tables import (
    CameraHealthChangeRow,
    DeviceStateHistoryRow,
    DeviceStateRow,
    MaintenanceTicketRow,
)
from kuzet.adapters.store.values import aware
from kuzet.domain.fleet.availability import CameraDown, HealthRecord
from kuzet.domain.fleet.health import HealthCondition
from kuzet.domain.fleet.lifecycle import (
    DeviceState,
    DeviceStatus,
    Disposition,
    MaintenanceStatus,
    MaintenanceTicket,
)
from kuzet.domain.users.model import TenantScope
from kuzet.services.operations.ports import StaleVersionError

T = TypeVar("T", bound=tuple[Any, ...])
R = TypeVar("R", CameraHealthChangeRow, DeviceStateHistoryRow)


def _maybe(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def _scoped(
    query: Select[T],
    camera_id_column: Any,
    scope: TenantScope,
    district_id: str | None,
    camera_id: str | None,
) -> Select[T]:
    """Join the cameras register to keep only what ``scope`` may see, in one district or one camera."""
    query = query.join(CameraRow, CameraRow.id == camera_id_column)
    if not scope.is_unrestricted:
        query = query.where(CameraRow.owner_tenant_id == scope.tenant_id)
    if district_id is not None:
        query = query.where(CameraRow.district_id == district_id)
    if camera_id is not None:
        query = query.where(CameraRow.id == camera_id)
    return query


def _record(row: CameraHealthChangeRow) -> HealthRecord:
    return HealthRecord(
        camera_id=row.camera_id,
        condition=HealthCondition(row.condition),
        previous=HealthCondition(row.previous),
        since=aware(row.since),
        detail=row.detail,
        recorded_at=aware(row.recorded_at),
    )


def _status(row: DeviceStateRow | DeviceStateHistoryRow) -> DeviceStatus:
    return DeviceStatus(
        camera_id=row.camera_id,
        state=DeviceState(row.state),
        since=aware(row.since),
        reason=row.reason,
        expected_end=_maybe(row.expected_end),
        disposition=Disposition(row.disposition) if row.disposition else None,
        version=row.version,
    )


def _window_rows(
    session: Session,
    table: type[R],
    start: datetime,
    end: datetime,
    *,
    scope: TenantScope,
    district_id: str | None,
    camera_id: str | None,
) -> list[R]:
    """Rows dated inside ``[start, end)`` plus, per camera, the last one before ``start`` (opening value)."""
    inside: Select[tuple[R]] = _scoped(
        select(table).where(table.since >= start, table.since < end),
        table.camera_id,
        scope,
        district_id,
        camera_id,
    )
    rank = (
        func.row_number()
        .over(partition_by=table.camera_id, order_by=(table.since.desc(), table.id.desc()))
        .label("rank")
    )
    before = _scoped(
        select(table.id, rank).where(table.since < start), table.camera_id, scope, district_id, camera_id
    ).subquery()
    opening: Select[tuple[R]] = select(table).join(before, before.c.id == table.id).where(before.c.rank == 1)
    rows: list[R] = [*session.scalars(opening), *session.scalars(inside)]
    return sorted(rows, key=lambda r: (r.camera_id, aware(r.since), r.id))


class SqlCameraHealthRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: HealthRecord) -> None:
        self._session.add(
            CameraHealthChangeRow(
                camera_id=record.camera_id,
                condition=record.condition.value,
                previous=record.previous.value,
                since=record.since,
                detail=record.detail,
                recorded_at=record.recorded_at,
            )
        )
        self._session.flush()

    def latest(self, camera_id: str) -> HealthRecord | None:
        query = (
            select(CameraHealthChangeRow)
            .where(CameraHealthChangeRow.camera_id == camera_id)
            .order_by(CameraHealthChangeRow.since.desc(), CameraHealthChangeRow.id.desc())
            .limit(1)
        )
        row = self._session.scalars(query).first()
        return None if row is None else _record(row)

    def down_now(self, scope: TenantScope, district_id: str | None = None) -> list[CameraDown]:
        """Cameras whose latest recorded condition is not ok, longest down first."""
        table = CameraHealthChangeRow
        rank = (
            func.row_number()
            .over(partition_by=table.camera_id, order_by=(table.since.desc(), table.id.desc()))
            .label("rank")
        )
        latest = _scoped(select(table.id, rank), table.camera_id, scope, district_id, None).subquery()
        query = (
            select(table, CameraRow.district_id, DeviceStateRow.state)
            .join(latest, latest.c.id == table.id)
            .join(CameraRow, CameraRow.id == table.camera_id)
            .outerjoin(DeviceStateRow, DeviceStateRow.camera_id == table.camera_id)
            .where(latest.c.rank == 1, table.condition != HealthCondition.OK.value)
            .order_by(table.since, table.camera_id)
        )
        return [
            CameraDown(
                camera_id=row.camera_id,
                district_id=district,
                condition=HealthCondition(row.condition),
                since=aware(row.since),
                detail=row.detail,
                device_state=DeviceState(state) if state else DeviceState.IN_SERVICE,
            )
            for row, district, state in self._session.execute(query).tuples()
        ]

    def in_window(
        self,
        start: datetime,
        end: datetime,
        scope: TenantScope,
        district_id: str | None = None,
        camera_id: str | None = None,
    ) -> list[HealthRecord]:
        """Changes inside the window and each camera's last change before it, by camera and time."""
        rows = _window_rows(
            self._session,
            CameraHealthChangeRow,
            start,
            end,
            scope=scope,
            district_id=district_id,
            camera_id=camera_id,
        )
        return [_record(r) for r in rows]


class SqlDeviceStateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, camera_id: str) -> DeviceStatus | None:
        row = self._session.get(DeviceStateRow, camera_id, populate_existing=True)
        return None if row is None else _status(row)

    def save(self, status: DeviceStatus, expected_version: int) -> None:
        """Store ``status`` if the stored version is still ``expected_version`` (0: none stored yet)."""
        values: dict[str, object] = {
            "state": status.state.value,
            "since": status.since,
            "reason": status.reason,
            "expected_end": status.expected_end,
            "disposition": status.disposition.value if status.disposition else None,
            "version": status.version,
        }
        if expected_version == 0:
            self._session.add(DeviceStateRow(camera_id=status.camera_id, **values))
        else:
            result = self._session.execute(
                update(DeviceStateRow)
                .where(
                    DeviceStateRow.camera_id == status.camera_id, DeviceStateRow.version == expected_version
                )
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                current = self._session.scalar(
                    select(DeviceStateRow.version).where(DeviceStateRow.camera_id == status.camera_id)
                )
                raise StaleVersionError(
                    f"device {status.camera_id} changed since you loaded it "
                    f"(version {expected_version}, now {current}); reload"
                )
        self._session.add(DeviceStateHistoryRow(camera_id=status.camera_id, **values))
        self._session.flush()

    def visible(self, scope: TenantScope, state: DeviceState | None = None) -> list[DeviceStatus]:
        """Stored states of the cameras ``scope`` may see (cameras without a row are in service)."""
        query = _scoped(select(DeviceStateRow), DeviceStateRow.camera_id, scope, None, None)
        if state is not None:
            query = query.where(DeviceStateRow.state == state.value)
        return [_status(r) for r in self._session.scalars(query.order_by(DeviceStateRow.camera_id))]

    def history(self, camera_id: str) -> list[DeviceStatus]:
        query = (
            select(DeviceStateHistoryRow)
            .where(DeviceStateHistoryRow.camera_id == camera_id)
            .order_by(DeviceStateHistoryRow.since, DeviceStateHistoryRow.id)
        )
        return [_status(r) for r in self._session.scalars(query)]

    def in_window(
        self,
        start: datetime,
        end: datetime,
        scope: TenantScope,
        district_id: str | None = None,
        camera_id: str | None = None,
    ) -> list[DeviceStatus]:
        """State changes inside the window and each camera's state at its start, by camera and time."""
        rows = _window_rows(
            self._session,
            DeviceStateHistoryRow,
            start,
            end,
            scope=scope,
            district_id=district_id,
            camera_id=camera_id,
        )
        return [_status(r) for r in rows]

    def faults_since_before(self, before: datetime) -> list[DeviceStatus]:
        """Devices in fault since ``before`` or earlier that have no open maintenance ticket."""
        open_ticket = (
            select(MaintenanceTicketRow.id)
            .where(
                MaintenanceTicketRow.camera_id == DeviceStateRow.camera_id,
                MaintenanceTicketRow.status == MaintenanceStatus.OPEN.value,
            )
            .exists()
        )
        query = select(DeviceStateRow).where(
            DeviceStateRow.state == DeviceState.FAULT.value, DeviceStateRow.since <= before, ~open_ticket
        )
        return [_status(r) for r in self._session.scalars(query.order_by(DeviceStateRow.since))]


def _ticket(row: MaintenanceTicketRow) -> MaintenanceTicket:
    return MaintenanceTicket(
        id=row.id,
        camera_id=row.camera_id,
        opened_at=aware(row.opened_at),
        reason=row.reason,
        status=MaintenanceStatus(row.status),
        closed_at=_maybe(row.closed_at),
        resolution=row.resolution,
    )


class SqlMaintenanceTicketRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ticket: MaintenanceTicket) -> None:
        self._session.add(MaintenanceTicketRow(id=ticket.id, **self._values(ticket)))
        self._session.flush()

    def update(self, ticket: MaintenanceTicket) -> None:
        self._session.execute(
            update(MaintenanceTicketRow)
            .where(MaintenanceTicketRow.id == ticket.id)
            .values(**self._values(ticket))
        )

    def get(self, ticket_id: str) -> MaintenanceTicket | None:
        row = self._session.get(MaintenanceTicketRow, ticket_id, populate_existing=True)
        return None if row is None else _ticket(row)

    def list(
        self, scope: TenantScope, open_only: bool = False, camera_id: str | None = None, limit: int = 200
    ) -> list[MaintenanceTicket]:
        query = _scoped(select(MaintenanceTicketRow), MaintenanceTicketRow.camera_id, scope, None, camera_id)
        if open_only:
            query = query.where(MaintenanceTicketRow.status == MaintenanceStatus.OPEN.value)
        query = query.order_by(MaintenanceTicketRow.opened_at.desc()).limit(limit)
        return [_ticket(r) for r in self._session.scalars(query)]

    @staticmethod
    def _values(ticket: MaintenanceTicket) -> dict[str, object]:
        return {
            "camera_id": ticket.camera_id,
            "opened_at": ticket.opened_at,
            "reason": ticket.reason,
            "status": ticket.status.value,
            "closed_at": ticket.closed_at,
            "resolution": ticket.resolution,
        }
