"""The fleet lifecycle: move devices between states, open maintenance tickets for long faults, close them.

A fault that outlasts ``FleetPolicy.maintenance_after`` opens one maintenance ticket (never a second
while one is open). When the camera recovers by itself the ticket stays open: a technician closes it
with a resolution, so each device's repair history says what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from kuzet.domain.fleet.lifecycle import DeviceState, Disposition, MaintenanceTicket
from kuzet.domain.fleet.messages import (
    ChangeDeviceState,
    CloseMaintenanceTicket,
    DeviceStateChanged,
    MaintenanceTicketClosed,
    MaintenanceTicketOpened,
    OpenOverdueMaintenanceTickets,
)
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.fleet.health import current_status
from kuzet.services.messagebus import Handled
from kuzet.services.operations.ports import StaleVersionError
from kuzet.services.ports import UnitOfWork

_EVERYTHING = TenantScope(None)


@dataclass(frozen=True, slots=True)
class FleetPolicy:
    """How long a device may stay in fault before the technical service gets a maintenance ticket."""

    maintenance_after: timedelta = timedelta(minutes=30)


def change_device_state(command: ChangeDeviceState, uow: UnitOfWork) -> Handled:
    if uow.cameras.get(command.camera_id, _EVERYTHING) is None:
        raise NotFoundError(f"camera {command.camera_id!r} not found")
    now = utc_now()
    status = current_status(uow, command.camera_id, now)
    if command.expected_version is not None and command.expected_version != status.version:
        raise StaleVersionError(
            f"device {command.camera_id} changed since you loaded it (version {command.expected_version}, "
            f"now {status.version}: {status.state.value}); reload"
        )
    moved = status.move_to(command.to, now, command.reason.strip(), command.expected_end, command.disposition)
    uow.device_states.save(moved, status.version)
    uow.emit(
        DeviceStateChanged(
            camera_id=moved.camera_id,
            state=moved.state.value,
            previous=status.state.value,
            reason=moved.reason,
            by=command.by,
        )
    )
    return Handled(f"camera:{moved.camera_id}:state:{moved.state.value}", value=moved)


def open_overdue_maintenance_tickets(
    command: OpenOverdueMaintenanceTickets, uow: UnitOfWork, policy: FleetPolicy
) -> Handled:
    opened = []
    for status in uow.device_states.faults_since_before(command.now - policy.maintenance_after):
        ticket = MaintenanceTicket(
            id=f"mt-{uuid4().hex[:12]}",
            camera_id=status.camera_id,
            opened_at=command.now,
            reason=status.reason or "fault",
        )
        uow.maintenance_tickets.add(ticket)
        uow.emit(
            MaintenanceTicketOpened(
                ticket_id=ticket.id,
                camera_id=ticket.camera_id,
                reason=ticket.reason,
                fault_since=status.since,
            )
        )
        opened.append(ticket)
    return Handled(f"maintenance:{len(opened)} opened", value=opened)


def close_maintenance_ticket(command: CloseMaintenanceTicket, uow: UnitOfWork) -> Handled:
    ticket = uow.maintenance_tickets.get(command.ticket_id)
    if ticket is None:
        raise NotFoundError(f"maintenance ticket {command.ticket_id!r} not found")
    closed = ticket.close(utc_now(), command.resolution)
    uow.maintenance_tickets.update(closed)
    uow.emit(
        MaintenanceTicketClosed(
            ticket_id=closed.id, camera_id=closed.camera_id, resolution=closed.resolution, by=command.by
        )
    )
    return Handled(f"maintenance:{closed.id}:closed", value=closed)


# ---- queries --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FleetDevice:
    """A camera of the register with its lifecycle state; ``since`` is None for a device never moved."""

    camera_id: str
    district_id: str
    state: DeviceState
    since: datetime | None
    reason: str
    expected_end: datetime | None
    disposition: Disposition | None
    version: int


def fleet_devices(uow: UnitOfWork, scope: TenantScope, state: DeviceState | None = None) -> list[FleetDevice]:
    """Every camera ``scope`` may see with its state (two queries, whatever the fleet's size)."""
    stored = {s.camera_id: s for s in uow.device_states.visible(scope)}
    devices = []
    for camera in uow.cameras.list(scope):
        status = stored.get(camera.id)
        device = (
            FleetDevice(camera.id, camera.district_id, DeviceState.IN_SERVICE, None, "", None, None, 0)
            if status is None
            else FleetDevice(
                camera.id,
                camera.district_id,
                status.state,
                status.since,
                status.reason,
                status.expected_end,
                status.disposition,
                status.version,
            )
        )
        if state is None or device.state is state:
            devices.append(device)
    return devices
