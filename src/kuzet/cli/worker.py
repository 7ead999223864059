"""``kuzet worker``: ingest, record, analyse and health-check the registered cameras on this host.

The "center" deployment runs ``kuzet serve`` (API, outbox relay) and one or more ``kuzet worker``
processes next to it on the same database and archive. A worker starts one process per camera
(``IngestSupervisor``), shows a live table of the cameras, logs every stream status change, and
writes each camera health change as a ``CameraHealthChanged`` event to the outbox, in its own
transaction, so the API relays it to the bus and the live feed like any other event. Cameras with
rules in the site file (``KUZET_SITE_FILE``) also run the analytics pipeline; each hit is stored
with its snapshot and raises an alert (``HitRecorder``). A camera whose analytics cannot start (a
missing model, a zone that does not fit) is named with the reason and still recorded. Ctrl+C or
SIGTERM stops the cameras in order; every segment being written is finished and indexed first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from kuzet.cli.common import console, wired
from kuzet.domain.cameras.model import Camera
from kuzet.domain.fleet.health import HealthCondition
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConfigError
from kuzet.ingest.status import StreamHealth, StreamStatus

if TYPE_CHECKING:  # the supervisor, the analytics and the database load when the worker starts
    from kuzet.bootstrap import Kuzet
    from kuzet.ingest.analytics import AnalyticsSpec
    from kuzet.ingest.supervisor import CameraState, StatusSink

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
    table = Table(
        "camera",
        "status",
        "fps",
        "frames",
        "analysed",
        "dropped",
        "reconnects",
        "health",
        "analytics",
        "hits",
    )
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
            f"[red]{state.analytics}[/]" if state.analytics.startswith("off:") else state.analytics,
            str(state.hits),
        )
    return table


def analytics_plan(kuzet: Kuzet, cameras: Sequence[Camera]) -> dict[str, AnalyticsSpec]:
    """The cameras whose analytics can run; the others are named with the reason (and still recorded)."""
    from kuzet.adapters.models.loader import load_onnx  # ONNX Runtime only when analytics is wanted
    from kuzet.ingest.analytics import check_analytics, specs_for
    from kuzet.ingest.supervisor import DEFAULT_DETECT_SIZE

    specs = specs_for(kuzet.site, [c.id for c in cameras])
    for camera_id, why in check_analytics(specs, DEFAULT_DETECT_SIZE, load_onnx).items():
        console.log(f"[red]{camera_id}: analytics off, recording goes on:[/] {why}", highlight=False)
        del specs[camera_id]
    return specs


def worker(
    camera: list[str] = typer.Option([], "--camera", "-c", help="Only this camera id (repeatable)"),
    detect_fps: float | None = typer.Option(
        None, min=0.1, help="Frames per second analysed per camera [default: the site file's, else 5]"
    ),
    analytics: bool = typer.Option(True, help="Run the site file's rules on the cameras that have them"),
) -> None:
    """Ingest the registered cameras: record, analyse and watch their picture health."""
    from rich.live import Live
    from rich.logging import RichHandler

    from kuzet.ingest.hits import HitRecorder, outbox_health_sink
    from kuzet.ingest.supervisor import IngestSupervisor

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
        specs = analytics_plan(kuzet, chosen) if analytics else {}
        fps = detect_fps or (kuzet.site.analytics.fps if kuzet.site else 5.0)
        supervisor = IngestSupervisor(
            kuzet.settings,
            chosen,
            outbox_health_sink(kuzet),
            logging_status_sink(),
            detect_fps=fps,
            analytics=specs,
            hit_sink=HitRecorder(kuzet),
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
