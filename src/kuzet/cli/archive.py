"""``kuzet archive``: verify the archive's hashes, upload footage, sweep, clip, and legal holds."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from kuzet.cli.common import cli_actor, console, errors, wired

if TYPE_CHECKING:  # the archive's domain and services load in the command that uses them
    from kuzet.domain.archive.model import TimeRange

app = typer.Typer(help="Video archive.", no_args_is_help=True)
holds = typer.Typer(help="Legal holds: keep video for a case whatever retention says.", no_args_is_help=True)
app.add_typer(holds, name="hold")


def moment(text: str, option: str) -> datetime:
    """An ISO 8601 time with a zone, e.g. 2026-01-03T10:00:00+05:00."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint=option) from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(f"{text!r} needs a zone, e.g. +05:00 or Z", param_hint=option)
    return parsed


def time_range(start: str, end: str) -> TimeRange:
    from kuzet.domain.archive.model import TimeRange

    try:
        return TimeRange(moment(start, "--start"), moment(end, "--end"))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--end") from None


@app.command("verify")
def verify(camera: str | None = typer.Option(None, help="Only this camera's segments")) -> None:
    """Re-hash archived segments; name every one that changed or vanished (exit 1 when any)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with wired() as kuzet:
        totals = kuzet.archive.verifier.totals(camera)
        columns = (TextColumn("verifying"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("verify", total=totals.bytes)
            report = kuzet.archive.verifier.verify(
                cli_actor(), camera, lambda s: progress.advance(task, s.size)
            )
    if report.intact:
        console.print(
            f"[green]archive intact[/]: {report.segments_checked} segments, "
            f"{report.bytes_checked / 1e6:,.1f} MB verified"
        )
        return
    errors.print(
        f"[red]archive DAMAGED[/]: {len(report.problems)} of {report.segments_checked} segments "
        "changed or vanished since they were recorded"
    )
    for problem in report.problems:
        errors.print(f"  {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command("upload")
def upload(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The video file"),
    camera: str = typer.Option(..., help="The registered body cam or drone"),
    officer: str = typer.Option(..., help="Who wore or flew it"),
    unit: str = typer.Option(..., help="The officer's unit"),
    recorded_at: str = typer.Option(..., help="When the recording started, ISO 8601 with a zone"),
) -> None:
    """Archive body-cam or drone footage: probed, remuxed into hashed segments, audited."""
    from kuzet.services.archive.segments import EVERYTHING
    from kuzet.services.archive.uploads import UploadRequest

    request = UploadRequest(camera, officer, unit, moment(recorded_at, "--recorded-at"), file.name)
    with wired() as kuzet, open(file, "rb") as source:
        stored = kuzet.archive.uploads.upload(source, request, cli_actor(), EVERYTHING)
    console.print(f"[green]archived[/] {file.name} for {camera}: {stored.segment_count} segments")
    console.print(f"original sha256 {stored.sha256}")


@app.command("sweep")
def sweep() -> None:
    """Delete video past its retention, then evict the oldest unheld video if the disk is short."""
    with wired() as kuzet:
        swept = kuzet.archive.retention.sweep()
        pressure = kuzet.archive.retention.relieve_pressure()
    console.print(
        f"retention: {swept.deleted} segments ({swept.bytes / 1e6:,.1f} MB) deleted, "
        f"{swept.kept_by_hold} kept by legal holds"
    )
    if pressure is not None:
        style = "yellow" if pressure.relieved else "red"
        console.print(
            f"[{style}]disk pressure[/]: {pressure.evicted_segments} oldest unheld segments "
            f"({pressure.evicted_bytes / 1e6:,.1f} MB) evicted; "
            f"{pressure.needed_bytes / 1e6:,.1f} MB were needed"
        )


@app.command("clip")
def clip(
    camera: str = typer.Argument(..., help="Camera id"),
    start: str = typer.Option(..., help="ISO 8601 with a zone"),
    end: str = typer.Option(..., help="ISO 8601 with a zone"),
    out: Path = typer.Option(..., help="Where to write the MP4"),
    reason: str = typer.Option("", help="Why (audited)"),
    case: str = typer.Option("", help="Case number (audited)"),
) -> None:
    """Cut a time range of a camera's video into one MP4 (remuxed, no re-encode)."""
    from kuzet.services.archive.segments import EVERYTHING, remove_scratch

    wanted = time_range(start, end)
    with wired() as kuzet:
        info, path = kuzet.archive.playback.clip(camera, wanted, EVERYTHING, cli_actor(reason, case))
    try:
        shutil.copyfile(path, out)
    finally:
        remove_scratch(path)
    console.print(f"[green]wrote[/] {out}: {info.frames} frames from {info.range}, sha256 {info.sha256}")


@holds.command("place")
def place_hold(
    camera: str = typer.Option(..., help="Camera id"),
    start: str = typer.Option(..., help="ISO 8601 with a zone"),
    end: str = typer.Option(..., help="ISO 8601 with a zone"),
    case: str = typer.Option(..., help="Case number"),
    reason: str = typer.Option(..., help="Why the video must be kept"),
) -> None:
    """Keep a camera's video of a time range past its retention and through disk pressure."""
    from kuzet.domain.archive.model import LegalHold, PlaceLegalHold
    from kuzet.services.archive.legal_holds import hold_actor

    actor = cli_actor()
    command = PlaceLegalHold(
        camera_id=camera, range=time_range(start, end), case_number=case, reason=reason, placed_by=actor.name
    )
    with wired() as kuzet:
        hold = kuzet.messagebus.handle(command, hold_actor(actor, case, reason))
    assert isinstance(hold, LegalHold)
    console.print(f"[green]legal hold placed[/]: {hold.id} on {camera}, {hold.range}, case {case}")


@holds.command("release")
def release_hold(
    hold_id: str = typer.Argument(..., help="The hold's id"),
    reason: str = typer.Option(..., help="Why the video need not be kept any more"),
) -> None:
    """Release a legal hold (audited); its video then follows retention again."""
    from kuzet.domain.archive.model import ReleaseLegalHold
    from kuzet.services.archive.legal_holds import hold_actor

    actor = cli_actor()
    with wired() as kuzet:
        held = kuzet.archive.holds.get(hold_id)
        command = ReleaseLegalHold(hold_id=hold_id, reason=reason, released_by=actor.name)
        kuzet.messagebus.handle(command, hold_actor(actor, held.case_number, reason))
    console.print(f"[green]legal hold released[/]: {hold_id} (case {held.case_number})")


@holds.command("list")
def list_holds(
    camera: str | None = typer.Option(None, help="Only this camera"),
    include_released: bool = typer.Option(False, "--all", help="Also released holds"),
) -> None:
    """Show legal holds."""
    with wired() as kuzet:
        found = kuzet.archive.holds.list(camera, active_only=not include_released)
    table = Table("id", "camera", "from", "to", "case", "reason", "by", "state", title=f"{len(found)} holds")
    for h in found:
        state = "active" if h.active else f"released by {h.released_by}"
        table.add_row(
            h.id,
            h.camera_id,
            h.range.start.isoformat(),
            h.range.end.isoformat(),
            h.case_number,
            h.reason,
            h.placed_by,
            state,
        )
    console.print(table)
