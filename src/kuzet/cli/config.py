"""``kuzet config``: check a site file and the environment settings."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from kuzet.cli.common import console
from kuzet.config.settings import load_settings
from kuzet.config.site import load_site

app = typer.Typer(help="Configuration.", no_args_is_help=True)


@app.command("check")
def check(path: Path = typer.Argument(..., help="Site file (YAML)")) -> None:
    """Validate a site file; print every error with the path of the bad key."""
    load_settings()
    site = load_site(path)
    table = Table("section", "entries", title=f"{path}: valid ({site.name})")
    for section in ("districts", "tenants", "cameras", "zones", "rules"):
        table.add_row(section, str(len(getattr(site, section))))
    console.print(table)
