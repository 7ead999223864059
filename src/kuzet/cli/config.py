"""``kuzet config``: check a site file and the environment settings."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from kuzet.cli.common import console
from kuzet.errors import ConfigError

app = typer.Typer(help="Configuration.", no_args_is_help=True)


@app.command("check")
def check(path: Path = typer.Argument(..., help="Site file (YAML)")) -> None:
    """Validate a site file (every error with the path of the bad key) and load its analytics models."""
    from kuzet.adapters.models.loader import load_onnx
    from kuzet.config.settings import load_settings
    from kuzet.config.site import load_site
    from kuzet.ingest.analytics import check_analytics, specs_for
    from kuzet.ingest.supervisor import DEFAULT_DETECT_SIZE

    load_settings()
    site = load_site(path)
    table = Table("section", "entries", title=f"{path}: valid ({site.name})")
    for section in ("districts", "tenants", "cameras", "zones", "rules"):
        table.add_row(section, str(len(getattr(site, section))))
    console.print(table)
    specs = specs_for(site, [c.id for c in site.cameras])
    if not specs:
        return
    problems = check_analytics(specs, DEFAULT_DETECT_SIZE, load_onnx)  # loads each detector model once
    analytics = Table("camera", "rules", "analytics", title=f"analytics ({site.analytics.detector.type})")
    for camera_id, spec in specs.items():
        why = problems.get(camera_id)
        analytics.add_row(
            camera_id, ", ".join(spec.rule_ids), f"[red]off: {why}[/]" if why else "[green]ready[/]"
        )
    console.print(analytics)
    if problems:
        raise ConfigError(f"{path}: analytics cannot start on {len(problems)} camera(s); see the table")
