"""``kuzet fleet``: which cameras are down and why, device lifecycle states, uptime, maintenance tickets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.table import Table

from kuzet.cli.common import cli_actor, console, errors, wired
from kuzet.domain.fleet.lifecycle import (
    DeviceState,
    DeviceStatus,
    Disposition,
    IllegalTransitionError,
    MaintenanceTicket,
    MaintenanceTicketError,
)
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import TenantScope

if TYPE_CHECKING:  # the fleet's services load in the command that uses them
    from kuzet.domain.fleet.availability import Availability

app = typer.Typer(help="Camera fleet: health, lifecycle, uptime, maintenance.", no_args_is_help=True)
EVERYTHING = TenantScope(None)
T = TypeVar("T")


def _refused(action: Callable[[], T]) -> T:
    """Run a change; a refused one (illegal move, stale version) prints its reason and exits 1."""
    from kuzet.services.operations.ports import StaleVersionError

    try:
        return action()
    except (IllegalTransitionError, StaleVersionError, MaintenanceTicketError) as exc:
        errors.print(f"[red]refused:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if at else "—"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return (
        f"{minutes // 1440}d {minutes // 60 % 24}h"
        if minutes >= 1440
        else f"{minutes // 60}h {minutes % 60:02d}m"
    )


def _share(a: Availability) -> str:
    return "—" if a.fraction is None else f"{a.fraction:.2%}"


@app.command("status")
def status(
    district: str | None = typer.Option(None, help="Only this district"),
    all_devices: bool = typer.Option(False, "--all", help="List devices in service too"),
) -> None:
    """Cameras down now (since when, why) and devices not in service."""
    from kuzet.services.fleet import health as camera_health
    from kuzet.services.fleet.lifecycle import fleet_devices

    with wired() as kuzet, kuzet.uow() as uow:
        down = camera_health.cameras_down_now(uow, EVERYTHING, district)
        devices = [d for d in fleet_devices(uow, EVERYTHING) if district in {None, d.district_id}]
    now = utc_now()
    table = Table(
        "camera",
        "district",
        "condition",
        "since (UTC)",
        "down for",
        "why",
        "device",
        title=f"{len(down)} down",
    )
    for d in down:
        table.add_row(
            d.camera_id,
            d.district_id,
            d.condition.value,
            _when(d.since),
            _duration((now - d.since).total_seconds()),
            d.detail,
            d.device_state.value,
        )
    console.print(table)
    shown = [d for d in devices if all_devices or d.state is not DeviceState.IN_SERVICE]
    counts = ", ".join(f"{s.value} {sum(d.state is s for d in devices)}" for s in DeviceState)
    states = Table(
        "camera", "district", "state", "since (UTC)", "reason", "until", "disposition", title=counts
    )
    for device in shown:
        states.add_row(
            device.camera_id,
            device.district_id,
            device.state.value,
            _when(device.since),
            device.reason,
            _when(device.expected_end),
            device.disposition.value if device.disposition else "—",
        )
    console.print(states)


def _parse_until(until: str | None) -> datetime | None:
    if until is None:
        return None
    try:
        at = datetime.fromisoformat(until)
    except ValueError:
        raise typer.BadParameter(f"{until!r} is not an ISO date-time (e.g. 2026-12-24T18:00+05:00)") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # a bare time is read as UTC


@app.command("set")
def set_state(
    camera_id: str = typer.Argument(..., help="Camera id"),
    state: DeviceState = typer.Argument(..., help="The state to move to"),
    reason: str = typer.Option("", help="Why (required for planned_outage and decommissioned)"),
    until: str | None = typer.Option(None, help="Expected end of a planned outage, ISO (UTC if no zone)"),
    disposition: Disposition | None = typer.Option(None, help="What became of a written-off device"),
) -> None:
    """Move a device through its lifecycle (the allowed moves are named when one is refused)."""
    from kuzet.domain.fleet.messages import ChangeDeviceState

    command = ChangeDeviceState(
        by=cli_actor().name,
        camera_id=camera_id,
        to=state,
        reason=reason,
        expected_end=_parse_until(until),
        disposition=disposition,
    )
    with wired() as kuzet:
        moved = _refused(lambda: kuzet.messagebus.handle(command, cli_actor(reason)))
    assert isinstance(moved, DeviceStatus)
    console.print(
        f"[green]{camera_id}[/] is now {moved.state.value}" + (f" ({moved.reason})" if moved.reason else "")
    )


@app.command("uptime")
def uptime(
    days: float = typer.Option(7.0, min=0.01, max=366, help="Window: the last N days"),
    district: str | None = typer.Option(None, help="Only this district"),
    camera: str | None = typer.Option(None, help="Only this camera"),
) -> None:
    """Share of owed time each camera worked, per camera and per district (planned outages not owed)."""
    from kuzet.services.fleet import health as camera_health

    end = utc_now()
    with wired() as kuzet, kuzet.uow() as uow:
        report = camera_health.uptime(
            uow, EVERYTHING, end - timedelta(days=days), end, camera_id=camera, district_id=district
        )
    cameras = Table("camera", "district", "uptime", "down", title=f"uptime, last {days:g} days")
    for a in sorted(report.cameras, key=lambda a: (a.fraction if a.fraction is not None else 2.0, a.subject)):
        cameras.add_row(a.subject, a.district_id, _share(a), _duration(a.down_s))
    console.print(cameras)
    districts = Table("district", "uptime", "down (camera-time)", title="per district")
    for a in report.districts:
        districts.add_row(a.subject, _share(a), _duration(a.down_s))
    console.print(districts)


def _ticket_table(tickets: list[MaintenanceTicket]) -> Table:
    table = Table("ticket", "camera", "opened (UTC)", "reason", "status", "closed", "resolution")
    for t in tickets:
        table.add_row(
            t.id, t.camera_id, _when(t.opened_at), t.reason, t.status.value, _when(t.closed_at), t.resolution
        )
    return table


@app.command("tickets")
def tickets(
    all_tickets: bool = typer.Option(False, "--all", help="Closed tickets too"),
    camera: str | None = typer.Option(None, help="Only this camera"),
) -> None:
    """Maintenance tickets opened for long faults."""
    with wired() as kuzet, kuzet.uow() as uow:
        found = uow.maintenance_tickets.list(EVERYTHING, open_only=not all_tickets, camera_id=camera)
    table = _ticket_table(found)
    table.title = f"{len(found)} {'' if all_tickets else 'open '}maintenance tickets"
    console.print(table)


@app.command("close")
def close(
    ticket_id: str = typer.Argument(..., help="Maintenance ticket id (mt-...)"),
    resolution: str = typer.Option(..., help="What was found and done"),
) -> None:
    """Close a maintenance ticket with its resolution."""
    from kuzet.domain.fleet.messages import CloseMaintenanceTicket

    command = CloseMaintenanceTicket(by=cli_actor().name, ticket_id=ticket_id, resolution=resolution)
    with wired() as kuzet:
        _refused(lambda: kuzet.messagebus.handle(command, cli_actor()))
    console.print(f"[green]closed[/] {ticket_id}")
