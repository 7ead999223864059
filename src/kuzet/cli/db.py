"""``kuzet db``: schema migrations."""

from __future__ import annotations

import typer

from kuzet.cli.common import console, wired

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from kuzet.adapters.store import migrate

    with wired() as kuzet:
        before = migrate.current_revision(kuzet.engine)
        migrate.upgrade(kuzet.engine, revision)
        after = migrate.current_revision(kuzet.engine)
        where = kuzet.engine.url.render_as_string(hide_password=True)
    console.print(f"[green]database {where}[/]: {before or 'empty'} → {after}")


@app.command("current")
def current() -> None:
    """Show the schema revision of the database."""
    from kuzet.adapters.store import migrate

    with wired() as kuzet:
        rev = migrate.current_revision(kuzet.engine)
    head = migrate.head_revision()
    state = "[green]up to date[/]" if rev == head else f"[yellow]behind (newest is {head})[/]"
    console.print(f"revision {rev or 'none'}: {state}")
