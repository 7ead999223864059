"""The fleet: each device's lifecycle state (in service, fault, repair, planned outage, written off) and
the maintenance tickets opened for long faults."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import JSON_INTEGER, NOT_BLANK, Instant, link, links
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.fleet.lifecycle import DeviceState, DeviceStatus, Disposition, MaintenanceTicket
from kuzet.domain.fleet.messages import ChangeDeviceState, CloseMaintenanceTicket
from kuzet.domain.users.model import Permission
from kuzet.services.fleet.lifecycle import FleetDevice, fleet_devices

router = APIRouter(prefix="/api/fleet", tags=["fleet"], responses=responses(*AUTHENTICATED))
CanRead = Annotated[Principal, Depends(Authorize(Permission.FLEET_READ, "view_fleet"))]
CanWrite = Annotated[Principal, Depends(Authorize(Permission.FLEET_WRITE, "change_fleet", audit_view=False))]


class DevicePublic(BaseModel):
    camera_id: str
    district_id: str | None
    state: str
    since: datetime | None
    reason: str
    expected_end: datetime | None
    disposition: str | None
    version: int

    @classmethod
    def of(cls, d: FleetDevice | DeviceStatus, district_id: str | None = None) -> DevicePublic:
        return cls(
            camera_id=d.camera_id,
            district_id=d.district_id if isinstance(d, FleetDevice) else district_id,
            state=d.state.value,
            since=d.since,
            reason=d.reason,
            expected_end=d.expected_end,
            disposition=d.disposition.value if d.disposition else None,
            version=d.version,
        )


class DeviceStateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: DeviceState = Field(description="The state to move to")
    reason: str = Field("", max_length=1000, description="Why (required for planned outage and write-off)")
    expected_end: Instant | None = Field(None, description="When a planned outage ends (required for it)")
    disposition: Disposition | None = Field(None, description="What became of a written-off device")
    version: Annotated[int, Field(ge=0), JSON_INTEGER] | None = Field(
        None, description="The device version you saw (0: never moved)"
    )


class MaintenanceTicketPublic(BaseModel):
    id: str
    camera_id: str
    opened_at: datetime
    reason: str
    status: str
    closed_at: datetime | None
    resolution: str

    @classmethod
    def of(cls, t: MaintenanceTicket) -> MaintenanceTicketPublic:
        return cls(
            id=t.id,
            camera_id=t.camera_id,
            opened_at=t.opened_at,
            reason=t.reason,
            status=t.status.value,
            closed_at=t.closed_at,
            resolution=t.resolution,
        )


class TicketClose(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: str = Field(
        min_length=3, max_length=2000, description="What was found and done", json_schema_extra=NOT_BLANK
    )


def _not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


@router.get(
    "/devices",
    responses=responses(422)
    | {
        200: links(
            FirstDeviceHistory=link(
                "GET",
                "/api/fleet/devices/{camera_id}/history",
                "The first device's history",
                camera_id="$response.body#/0/camera_id",
            )
        )
    },
)
def list_devices(principal: CanRead, kuzet: KuzetDep, state: DeviceState | None = None) -> list[DevicePublic]:
    with kuzet.uow() as uow:
        devices = fleet_devices(uow, principal.scope, state)
    return [DevicePublic.of(d) for d in devices]


@router.get("/devices/{camera_id}/history", responses=responses(404, 422))
def device_history(camera_id: str, principal: CanRead, kuzet: KuzetDep) -> list[DevicePublic]:
    with kuzet.uow() as uow:
        camera = uow.cameras.get(camera_id, principal.scope)
        if camera is None:
            raise _not_found(f"camera {camera_id!r}")
        history = uow.device_states.history(camera_id)
    return [DevicePublic.of(s, camera.district_id) for s in history]


@router.post(
    "/devices/{camera_id}/state",
    description=(
        "Move a device to another lifecycle state. A planned outage needs a `reason` and an `expected_end` "
        "in the future, a write-off (decommissioned) a `reason` and a `disposition`; a move the lifecycle "
        "does not allow from the current state, or a stale `version`, is a 409."
    ),
    responses=responses(404, 409, 422)
    | {
        200: links(
            DeviceHistory=link(
                "GET",
                "/api/fleet/devices/{camera_id}/history",
                "The device's history",
                camera_id="$response.body#/camera_id",
            )
        )
    },
)
def change_state(
    camera_id: str, body: DeviceStateChange, principal: CanWrite, kuzet: KuzetDep
) -> DevicePublic:
    with kuzet.uow() as uow:
        camera = uow.cameras.get(camera_id, principal.scope)
    if camera is None:
        raise _not_found(f"camera {camera_id!r}")
    command = ChangeDeviceState(
        by=principal.user.username,
        camera_id=camera_id,
        to=body.state,
        reason=body.reason,
        expected_end=body.expected_end,
        disposition=body.disposition,
        expected_version=body.version,
    )
    moved = kuzet.messagebus.handle(command, principal.actor)
    assert isinstance(moved, DeviceStatus)
    return DevicePublic.of(moved, camera.district_id)


@router.get(
    "/tickets",
    responses=responses(422)
    | {
        200: links(
            CloseFirstTicket=link(
                "POST",
                "/api/fleet/tickets/{ticket_id}/close",
                "Close the first ticket",
                ticket_id="$response.body#/0/id",
            )
        )
    },
)
def list_tickets(
    principal: CanRead, kuzet: KuzetDep, open_only: bool = True, camera_id: str | None = None
) -> list[MaintenanceTicketPublic]:
    with kuzet.uow() as uow:
        tickets = uow.maintenance_tickets.list(principal.scope, open_only=open_only, camera_id=camera_id)
    return [MaintenanceTicketPublic.of(t) for t in tickets]


@router.post("/tickets/{ticket_id}/close", responses=responses(404, 409, 422))
def close_ticket(
    ticket_id: str, body: TicketClose, principal: CanWrite, kuzet: KuzetDep
) -> MaintenanceTicketPublic:
    with kuzet.uow() as uow:
        ticket = uow.maintenance_tickets.get(ticket_id)
        visible = ticket is not None and uow.cameras.get(ticket.camera_id, principal.scope) is not None
    if not visible:
        raise _not_found(f"maintenance ticket {ticket_id!r}")
    command = CloseMaintenanceTicket(
        by=principal.user.username, ticket_id=ticket_id, resolution=body.resolution
    )
    closed = kuzet.messagebus.handle(command, principal.actor)
    assert isinstance(closed, MaintenanceTicket)
    return MaintenanceTicketPublic.of(closed)
