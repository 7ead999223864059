"""The ``kuzet`` entry point. Errors a user can fix print one line and exit 1, never a traceback."""

from __future__ import annotations

import sys

import typer

from kuzet.cli import (
    analyze,
    archive,
    audit,
    cameras,
    config,
    db,
    evidence,
    fleet,
    models,
    serve,
    users,
    watch,
    worker,
)
from kuzet.cli.common import errors
from kuzet.errors import KuzetError

app = typer.Typer(
    name="kuzet",
    help="Kuzet: a city police Operational Control Center.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(cameras.app, name="camera")
app.add_typer(config.app, name="config")
app.add_typer(audit.app, name="audit")
app.add_typer(archive.app, name="archive")
app.add_typer(evidence.app, name="evidence")
app.add_typer(models.app, name="models")
app.add_typer(fleet.app, name="fleet")
app.command("watch")(watch.watch)
app.command("worker")(worker.worker)
app.command("analyze")(analyze.analyze)


def main() -> None:
    try:
        app()
    except KuzetError as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
