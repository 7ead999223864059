"""``kuzet evidence``: export a signed evidence bundle, verify one, list exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer
from rich.table import Table

from kuzet.cli.archive import time_range
from kuzet.cli.common import cli_actor, console, errors, wired
from kuzet.errors import ConfigError

app = typer.Typer(help="Evidence bundles.", no_args_is_help=True)


@app.command("export")
def export(
    camera: str = typer.Option(..., help="Camera id"),
    start: str = typer.Option(..., help="ISO 8601 with a zone"),
    end: str = typer.Option(..., help="ISO 8601 with a zone"),
    case: str = typer.Option(..., help="Case number"),
    reason: str = typer.Option(..., help="Why the video leaves the center (audited)"),
    recipient: str = typer.Option("", help="Who receives it (court, prosecutor, ...)"),
    out: Path | None = typer.Option(None, help="Also copy the bundle here"),
) -> None:
    """Export a signed bundle: clip, original segments, manifest of hashes, Ed25519 signature."""
    from kuzet.services.archive.evidence import EvidenceRequest
    from kuzet.services.archive.segments import EVERYTHING

    request = EvidenceRequest(camera, time_range(start, end), case, reason, recipient)
    with wired() as kuzet:
        made = kuzet.archive.evidence.export(request, cli_actor(reason, case), EVERYTHING)
        bundle = kuzet.archive.storage.locate(made.bundle_path)
    if out is not None:
        shutil.copyfile(bundle, out)
        bundle = out
    console.print(f"[green]exported[/] {made.id}: {bundle} ({made.segment_count} segments)")
    console.print(f"bundle sha256 {made.bundle_sha256}")


@app.command("verify")
def verify(
    bundle: Path = typer.Argument(..., exists=True, help="A bundle .zip or its unpacked folder"),
    public_key: Path | None = typer.Option(None, help="The center's public key (PEM) to trust"),
) -> None:
    """Check the manifest's signature and every file's hash; name what was altered (exit 1)."""
    from kuzet.adapters.archive.bundle import verify_bundle

    trusted = public_key.read_bytes() if public_key is not None else None
    try:
        report = verify_bundle(bundle, trusted)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if report.intact and report.manifest is not None:
        m = report.manifest
        console.print(f"[green]bundle intact[/]: {report.files_checked} files match the signed manifest")
        console.print(f"camera {m.camera_id}, {m.range}, case {m.case_number}, exported by {m.created_by}")
        console.print(f"signed by key sha256 {m.key_fingerprint}")
        return
    errors.print(f"[red]bundle ALTERED[/]: {bundle}")
    for problem in report.problems:
        errors.print(f"  {problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command("list")
def list_exports(case: str | None = typer.Option(None, help="Only this case")) -> None:
    """Show evidence exports, newest first."""
    with wired() as kuzet:
        found = kuzet.archive.evidence.list(case)
    table = Table("id", "camera", "from", "to", "case", "by", "at", title=f"{len(found)} exports")
    for e in found:
        table.add_row(
            e.id,
            e.camera_id,
            e.range.start.isoformat(),
            e.range.end.isoformat(),
            e.case_number,
            e.created_by,
            e.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
