"""What arrives from the field: unit positions and status, citizen calls, SOS presses; municipal tickets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

from kuzet.domain.geo import GeoBounds
from kuzet.domain.messages import utc_now
from kuzet.domain.offenses import Handler, OffenseTaxonomy, Priority
from kuzet.domain.operations.field import DEFAULT_TICKET_SLA, MunicipalTicket
from kuzet.domain.operations.messages import (
    MoveTicket,
    PressSosButton,
    ReportUnitPosition,
    SetUnitStatus,
    TakeCitizenCall,
    TicketOpened,
    TicketStatusChanged,
    UnitMoved,
    UnitStatusChanged,
)
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.messagebus import Handled
from kuzet.services.operations.incidents import open_incident_record
from kuzet.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class FieldPolicy:
    """The map the center covers, and which municipal service fixes what, within what time."""

    bounds: GeoBounds | None = None
    municipal_services: Mapping[str, str] = field(default_factory=dict)
    ticket_sla: Mapping[str, timedelta] = field(default_factory=dict)


class StaleFixError(ConflictError):
    pass


def report_unit_position(command: ReportUnitPosition, uow: UnitOfWork, policy: FieldPolicy) -> Handled:
    unit = uow.units.get(command.unit_id)
    if unit is None:
        raise NotFoundError(f"unknown unit {command.unit_id!r}")
    if policy.bounds is not None and not policy.bounds.contains(command.position):
        raise ConflictError(
            f"unit {unit.id}: position {command.position.lat:.5f}, {command.position.lon:.5f} "
            "is outside the map"
        )
    last = uow.unit_tracking.last_fix(unit.id)
    if last is not None and command.at <= last:
        raise StaleFixError(
            f"unit {unit.id}: fix at {command.at.isoformat()} is not newer than {last.isoformat()}"
        )
    uow.unit_tracking.set_position(unit.id, command.position, command.at)
    uow.emit(UnitMoved(unit_id=unit.id, lat=command.position.lat, lon=command.position.lon, at=command.at))
    return Handled(f"unit:{unit.id}:position")


def set_unit_status(command: SetUnitStatus, uow: UnitOfWork) -> Handled:
    unit = uow.units.get(command.unit_id)
    if unit is None:
        raise NotFoundError(f"unknown unit {command.unit_id!r}")
    if unit.status is not command.status:
        uow.unit_tracking.set_status(unit.id, command.status)
        uow.emit(UnitStatusChanged(unit_id=unit.id, status=command.status.value, previous=unit.status.value))
    return Handled(f"unit:{unit.id}:status:{command.status.value}")


def take_citizen_call(command: TakeCitizenCall, uow: UnitOfWork, taxonomy: OffenseTaxonomy) -> Handled:
    call = command.call
    priority = taxonomy[call.category].default_priority
    summary = f"{call.description} — caller {call.caller_name} ({call.caller_phone}), {call.address}"
    incident = open_incident_record(
        uow, call.category, priority, call.position, summary=summary, by=command.by
    )
    return Handled(f"incident:{incident.id}:call", value=incident)


def press_sos_button(command: PressSosButton, uow: UnitOfWork) -> Handled:
    device = uow.sos_devices.get(command.device_id)
    if device is None or not device.active:
        raise NotFoundError(f"SOS press from unregistered device {command.device_id!r}")
    summary = f"SOS button {device.id} pressed at {device.address}"
    incident = open_incident_record(
        uow, "sos_button", Priority.CRITICAL, device.position, summary=summary, by=f"sos:{device.id}"
    )
    return Handled(f"incident:{incident.id}:sos:{device.id}", value=incident)


def open_ticket_for(
    uow: UnitOfWork, code: str, taxonomy: OffenseTaxonomy, policy: FieldPolicy, **where: str | None
) -> MunicipalTicket | None:
    """A ticket for an infrastructure code (street light out, road defect, ...); None for other codes."""
    if taxonomy[code].handler is not Handler.MUNICIPAL_SERVICE:
        return None
    service = policy.municipal_services.get(code, "city services")
    now = utc_now()
    ticket = MunicipalTicket(
        id=f"tk-{uuid4().hex[:12]}",
        code=code,
        service=service,
        position=None,
        opened_at=now,
        due_at=now + policy.ticket_sla.get(code, DEFAULT_TICKET_SLA),
        camera_id=where.get("camera_id"),
        alert_id=where.get("alert_id"),
    )
    uow.tickets.add(ticket)
    uow.emit(TicketOpened(ticket_id=ticket.id, code=code, service=service, due_at=ticket.due_at))
    return ticket


def move_ticket(command: MoveTicket, uow: UnitOfWork) -> Handled:
    ticket = uow.tickets.get(command.ticket_id)
    if ticket is None:
        raise NotFoundError(f"ticket {command.ticket_id!r} not found")
    moved = ticket.move_to(command.status, utc_now(), command.note)
    uow.tickets.update(moved)
    uow.emit(TicketStatusChanged(ticket_id=moved.id, status=moved.status.value, service=moved.service))
    return Handled(f"ticket:{moved.id}:{moved.status.value}", value=moved)
