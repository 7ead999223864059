"""The ``kuzet`` entry point. Errors a user can fix print one line and exit 1, never a traceback.

Importing this module stays light (see ``kuzet.cli.common``): ``kuzet --help`` needs nothing more.
"""

from __future__ import annotations

import importlib.util
import sys

import typer

from kuzet.cli import (
    analyze,
    api,
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
app.add_typer(api.app, name="api")
app.command("watch")(watch.watch)
app.command("worker")(worker.worker)
app.command("analyze")(analyze.analyze)


def skip_this_script_in_spawned_processes() -> None:
    """Spare every spawned worker a re-run of the ``kuzet`` console script.

    A ``spawn`` child re-runs its parent's ``__main__`` before its target: by path for a script, which
    for the console script means importing this whole CLI again, but not at all for a ``__main__``
    module of a package (``python -m kuzet``). The console script is nothing but ``from kuzet.cli.main
    import main; main()``, the same as ``kuzet/__main__.py``, so it is given that module's spec. Only
    a ``__main__`` that is such a script (it has no spec and its ``main`` is ours) is touched.
    """
    script = sys.modules.get("__main__")
    if (
        script is not None
        and getattr(script, "__spec__", None) is None
        and getattr(script, "main", None) is main
    ):
        script.__spec__ = importlib.util.find_spec("kuzet.__main__")


def main() -> None:
    skip_this_script_in_spawned_processes()
    try:
        app()
    except KuzetError as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
