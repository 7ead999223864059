"""``kuzet worker``: ingest, record and health-check the registered cameras on this host.

The "center" deployment runs ``kuzet serve`` (API, outbox relay) and one or more ``kuzet worker``
processes next to it on the same database and archive. A worker starts one process per camera
(``IngestSupervisor``), shows a live table of the cameras, logs every stream status change, and
writes each camera health change as a ``CameraHealthChanged`` event to the outbox, in its own
transaction, so the API relays it to the bus and the live feed like any other event. Ctrl+C or
SIGTERM stops the cameras in order; every segment being written is finished and indexed first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import typer
from rich.live import Live
from rich.logging import RichHandler
from rich.table import Table

from kuzet.bootstrap import Kuzet
from kuzet.cli.common import console, wired
from kuzet.domain.cameras import Camera
from kuzet.domain.health import HealthChange, HealthCondition
from kuzet.domain.users import TenantScope
from kuzet.errors import ConfigError
from kuzet.ingest.status import StreamHealth, StreamStatus
from kuzet.ingest.supervisor import CameraState, HealthSink, IngestSupervisor, StatusSink

STATUS_STYLE = {
    StreamStatus.STREAMING: "green",
    StreamStatus.CONNECTING: "cyan",
    StreamStatus.RECONNECTING: "yellow",
    StreamStatus.ENDED: "dim",
    StreamStatus.STOPPED: "dim",
}


def select_cameras(cameras: Sequence[Camera], only: Sequence[str] = ()) -> list[Camera]:
    """``cameras`` restricted to the ids in ``only`` (all when empty); unknown ids are a ``ConfigError``."""
    if not only:
        return list(cameras)
    by_id = {camera.id: camera for camera in cameras}
    unknown = [cid for cid in only if cid not in by_id]
    if unknown:
        raise ConfigError(f"no such camera: {', '.join(unknown)}")
    return [by_id[cid] for cid in dict.fromkeys(only)]


def outbox_health_sink(kuzet: Kuzet) -> HealthSink:
    """Write each health change as a ``CameraHealthChanged`` event to the outbox (one transaction each)."""

    def record(change: HealthChange) -> None:
        with kuzet.uow() as uow:
            uow.emit(change.to_event())
            uow.commit()

    return record


def logging_status_sink() -> StatusSink:
    """Log a camera's stream status when it changes (the periodic 'still streaming' reports are not)."""
    last: dict[str, StreamStatus] = {}

    def log_change(health: StreamHealth) -> None:
        if last.get(health.camera_id) is health.status:
            return
        last[health.camera_id] = health.status
        style = "red" if health.status.is_failure else STATUS_STYLE.get(health.status, "")
        console.log(
            f"[bold]{health.camera_id}[/] [{style}]{health.status.value}[/]: {health.detail}",
            highlight=False,
        )

    return log_change


def render(states: Sequence[CameraState]) -> Table:
    """The live table: one row per camera."""
    table = Table("camera", "status", "fps", "frames", "analysed", "dropped", "reconnects", "health")
    table.title = f"kuzet worker: {len(states)} camera(s), Ctrl+C stops"
    for state in states:
        style = "red" if state.status.is_failure else STATUS_STYLE.get(state.status, "")
        health = state.condition.value
        health_style = "green" if state.condition is HealthCondition.OK else "bold red"
        table.add_row(
            state.camera_id,
            f"[{style}]{state.status.value}[/]",
            f"{state.fps:.1f}",
            str(state.frames_decoded),
            str(state.frames_analysed),
            str(state.frames_dropped),
            str(state.reconnects + state.restarts),
            f"[{health_style}]{health}[/]",
        )
    return table


def worker(
    camera: list[str] = typer.Option([], "--camera", "-c", help="Only this camera id (repeatable)"),
    detect_fps: float = typer.Option(5.0, min=0.1, help="Frames per second analysed per camera"),
) -> None:
    """Ingest the registered cameras: record them to the archive and watch their picture health."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
        force=True,
    )
    with wired() as kuzet:
        with kuzet.uow() as uow:
            registered = uow.cameras.list(TenantScope(tenant_id=None))
        chosen = select_cameras(registered, camera)
        supervisor = IngestSupervisor(
            kuzet.settings,
            chosen,
            outbox_health_sink(kuzet),
            logging_status_sink(),
            detect_fps=detect_fps,
        )
        for camera_id, reason in supervisor.skipped.items():
            console.log(f"[dim]{camera_id} skipped: {reason}[/]")
        if not supervisor.camera_ids:
            raise ConfigError("no camera to ingest: register cameras with a stream URL (`kuzet camera add`)")
        with Live(
            console=console,
            get_renderable=lambda: render(supervisor.snapshot()),
            refresh_per_second=2,
        ):
            supervisor.run()
