"""Repositories of the room's work. Versioned rows change only through ``UPDATE ... WHERE version = ?``,
so of two operators acting at once exactly one wins, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuzet.adapters.store.operations.tables import (
    AlertRow,
    IncidentNoteRow,
    IncidentRow,
    PatrolUnitRow,
    SosDeviceRow,
    TicketRow,
    UnitFixRow,
)
from kuzet.adapters.store.values import aware, aware_or_none, point_or_none
from kuzet.domain.geo import GeoBounds, GeoPoint
from kuzet.domain.offenses import Priority
from kuzet.domain.operations.alerts import Alert, AlertStatus
from kuzet.domain.operations.field import MunicipalTicket, SosDevice, TicketStatus
from kuzet.domain.operations.incidents import ClosureCode, Incident, IncidentState
from kuzet.domain.operations.units import UnitStatus
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.operations.ports import StaleVersionError


def _alert_values(alert: Alert) -> dict[str, object]:
    return {
        "code": alert.code,
        "priority": int(alert.priority),
        "first_at": alert.first_at,
        "last_at": alert.last_at,
        "camera_id": alert.camera_id,
        "track_id": alert.track_id,
        "lat": alert.position.lat if alert.position else None,
        "lon": alert.position.lon if alert.position else None,
        "tenant_id": alert.tenant_id,
        "count": alert.count,
        "status": alert.status.value,
        "detail": alert.detail,
        "snapshot_ref": alert.snapshot_ref,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at,
        "escalated_at": alert.escalated_at,
        "incident_id": alert.incident_id,
        "sop_done": list(alert.sop_done),
        "version": alert.version,
    }


def _alert(row: AlertRow) -> Alert:
    return Alert(
        id=row.id,
        code=row.code,
        priority=Priority(row.priority),
        first_at=aware(row.first_at),
        last_at=aware(row.last_at),
        camera_id=row.camera_id,
        track_id=row.track_id,
        position=point_or_none(row.lat, row.lon),
        tenant_id=row.tenant_id,
        count=row.count,
        status=AlertStatus(row.status),
        detail=row.detail,
        snapshot_ref=row.snapshot_ref,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=aware_or_none(row.acknowledged_at),
        escalated_at=aware_or_none(row.escalated_at),
        incident_id=row.incident_id,
        sop_done=tuple(row.sop_done),
        version=row.version,
    )


def _versioned_update(
    session: Session,
    table: type[AlertRow | IncidentRow],
    key: str,
    expected: int,
    *,
    values: dict[str, object],
) -> None:
    what = table.__tablename__.rstrip("s")
    result = session.execute(update(table).where(table.id == key, table.version == expected).values(**values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(table.version).where(table.id == key))
        if current is None:
            raise NotFoundError(f"{what} {key!r} not found")
        raise StaleVersionError(
            f"{what} {key} changed since you loaded it (version {expected}, now {current}); reload"
        )


class SqlAlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, alert: Alert) -> None:
        self._session.add(AlertRow(id=alert.id, **_alert_values(alert)))
        self._session.flush()

    def update(self, alert: Alert, expected_version: int) -> None:
        _versioned_update(self._session, AlertRow, alert.id, expected_version, values=_alert_values(alert))

    def get(self, alert_id: str) -> Alert | None:
        row = self._session.get(AlertRow, alert_id, populate_existing=True)
        return None if row is None else _alert(row)

    def active_since(
        self,
        since: datetime,
        code: str | None = None,
        camera_id: str | None = None,
        around: tuple[GeoPoint, float] | None = None,
    ) -> list[Alert]:
        active = [s.value for s in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED)]
        query = select(AlertRow).where(AlertRow.last_at >= since, AlertRow.status.in_(active))
        if code is not None:
            query = query.where(AlertRow.code == code)
        if camera_id is not None:
            query = query.where(AlertRow.camera_id == camera_id)
        if around is not None:  # a bounding box in SQL; callers check the exact distance
            box = GeoBounds(around[0].lat, around[0].lon, around[0].lat, around[0].lon).widened(around[1])
            query = query.where(
                AlertRow.lat.between(box.min_lat, box.max_lat), AlertRow.lon.between(box.min_lon, box.max_lon)
            )
        return [_alert(r) for r in self._session.scalars(query.order_by(AlertRow.first_at))]

    def with_status(self, status: AlertStatus, limit: int = 1000) -> list[Alert]:
        query = (
            select(AlertRow).where(AlertRow.status == status.value).order_by(AlertRow.first_at).limit(limit)
        )
        return [_alert(r) for r in self._session.scalars(query)]

    def recent(self, scope: TenantScope, limit: int = 100, active_only: bool = False) -> list[Alert]:
        query = select(AlertRow).order_by(AlertRow.last_at.desc()).limit(limit)
        if not scope.is_unrestricted:
            query = query.where(AlertRow.tenant_id == scope.tenant_id)
        if active_only:
            query = query.where(AlertRow.status.in_(["open", "acknowledged", "escalated"]))
        return [_alert(r) for r in self._session.scalars(query)]


def _incident_values(incident: Incident) -> dict[str, object]:
    return {
        "code": incident.code,
        "priority": int(incident.priority),
        "lat": incident.position.lat if incident.position else None,
        "lon": incident.position.lon if incident.position else None,
        "created_at": incident.created_at,
        "created_by": incident.created_by,
        "summary": incident.summary,
        "state": incident.state.value,
        "version": incident.version,
        "parent_id": incident.parent_id,
        "district_id": incident.district_id,
        "tenant_id": incident.tenant_id,
        "closure_code": incident.closure_code.value if incident.closure_code else None,
        "unit_ids": list(incident.unit_ids),
        "updated_at": incident.updated_at,
    }


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        code=row.code,
        priority=Priority(row.priority),
        position=point_or_none(row.lat, row.lon),
        created_at=aware(row.created_at),
        created_by=row.created_by,
        summary=row.summary,
        state=IncidentState(row.state),
        version=row.version,
        parent_id=row.parent_id,
        district_id=row.district_id,
        tenant_id=row.tenant_id,
        closure_code=ClosureCode(row.closure_code) if row.closure_code else None,
        unit_ids=tuple(row.unit_ids),
        updated_at=aware_or_none(row.updated_at),
    )


class SqlIncidentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, incident: Incident) -> None:
        self._session.add(IncidentRow(id=incident.id, **_incident_values(incident)))
        self._session.flush()

    def update(self, incident: Incident, expected_version: int) -> None:
        values = _incident_values(incident)
        _versioned_update(self._session, IncidentRow, incident.id, expected_version, values=values)

    def get(self, incident_id: str) -> Incident | None:
        row = self._session.get(IncidentRow, incident_id, populate_existing=True)
        return None if row is None else _incident(row)

    def recent(self, scope: TenantScope, limit: int = 100, open_only: bool = False) -> list[Incident]:
        query = select(IncidentRow).order_by(IncidentRow.created_at.desc()).limit(limit)
        if not scope.is_unrestricted:
            query = query.where(IncidentRow.tenant_id == scope.tenant_id)
        if open_only:
            query = query.where(IncidentRow.state != IncidentState.CLOSED.value)
        return [_incident(r) for r in self._session.scalars(query)]

    def add_note(self, incident_id: str, author: str, text: str, at: datetime) -> None:
        self._session.add(IncidentNoteRow(incident_id=incident_id, author=author, text=text, at=at))
        self._session.flush()

    def notes(self, incident_id: str) -> list[tuple[datetime, str, str]]:
        query = (
            select(IncidentNoteRow)
            .where(IncidentNoteRow.incident_id == incident_id)
            .order_by(IncidentNoteRow.id)
        )
        return [(aware(n.at), n.author, n.text) for n in self._session.scalars(query)]


class SqlUnitTracking:
    def __init__(self, session: Session) -> None:
        self._session = session

    def last_fix(self, unit_id: str) -> datetime | None:
        row = self._session.get(UnitFixRow, unit_id)
        return None if row is None else aware(row.at)

    def set_position(self, unit_id: str, position: GeoPoint, at: datetime) -> None:
        unit = self._session.get(PatrolUnitRow, unit_id)
        if unit is None:
            raise NotFoundError(f"unknown unit {unit_id!r}")
        unit.lat, unit.lon = position.lat, position.lon
        fix = self._session.get(UnitFixRow, unit_id)
        if fix is None:
            self._session.add(UnitFixRow(unit_id=unit_id, at=at))
        else:
            fix.at = at
        self._session.flush()

    def set_status(self, unit_id: str, status: UnitStatus) -> None:
        unit = self._session.get(PatrolUnitRow, unit_id)
        if unit is None:
            raise NotFoundError(f"unknown unit {unit_id!r}")
        unit.status = status.value
        self._session.flush()


class SqlSosDeviceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, device: SosDevice) -> None:
        if self._session.get(SosDeviceRow, device.id) is not None:
            raise ConflictError(f"SOS device {device.id!r} already exists")
        self._session.add(
            SosDeviceRow(
                id=device.id,
                lat=device.position.lat,
                lon=device.position.lon,
                address=device.address,
                district_id=device.district_id,
                active=device.active,
            )
        )
        self._session.flush()

    def get(self, device_id: str) -> SosDevice | None:
        row = self._session.get(SosDeviceRow, device_id)
        if row is None:
            return None
        return SosDevice(row.id, GeoPoint(row.lat, row.lon), row.address, row.district_id, row.active)

    def list(self) -> list[SosDevice]:
        rows = self._session.scalars(select(SosDeviceRow).order_by(SosDeviceRow.id))
        return [SosDevice(r.id, GeoPoint(r.lat, r.lon), r.address, r.district_id, r.active) for r in rows]


def _ticket(row: TicketRow) -> MunicipalTicket:
    return MunicipalTicket(
        id=row.id,
        code=row.code,
        service=row.service,
        position=point_or_none(row.lat, row.lon),
        opened_at=aware(row.opened_at),
        due_at=aware(row.due_at),
        status=TicketStatus(row.status),
        camera_id=row.camera_id,
        alert_id=row.alert_id,
        note=row.note,
        closed_at=aware_or_none(row.closed_at),
    )


class SqlTicketRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ticket: MunicipalTicket) -> None:
        row = TicketRow(id=ticket.id)
        self._fill(row, ticket)
        self._session.add(row)
        self._session.flush()

    def update(self, ticket: MunicipalTicket) -> None:
        row = self._session.get(TicketRow, ticket.id)
        if row is None:
            raise NotFoundError(f"ticket {ticket.id!r} not found")
        self._fill(row, ticket)
        self._session.flush()

    @staticmethod
    def _fill(row: TicketRow, t: MunicipalTicket) -> None:
        row.code, row.service, row.opened_at, row.due_at = t.code, t.service, t.opened_at, t.due_at
        row.lat = t.position.lat if t.position else None
        row.lon = t.position.lon if t.position else None
        row.status, row.camera_id, row.alert_id = t.status.value, t.camera_id, t.alert_id
        row.note, row.closed_at = t.note, t.closed_at

    def get(self, ticket_id: str) -> MunicipalTicket | None:
        row = self._session.get(TicketRow, ticket_id)
        return None if row is None else _ticket(row)

    def recent(self, open_only: bool = False, limit: int = 200) -> list[MunicipalTicket]:
        query = select(TicketRow).order_by(TicketRow.opened_at.desc()).limit(limit)
        if open_only:
            query = query.where(TicketRow.closed_at.is_(None))
        return [_ticket(r) for r in self._session.scalars(query)]
