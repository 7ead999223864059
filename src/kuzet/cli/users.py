"""``kuzet user``: accounts."""

from __future__ import annotations

import typer
from rich.table import Table

from kuzet.cli.common import cli_actor, console, wired
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import Role

app = typer.Typer(help="User accounts.", no_args_is_help=True)


@app.command("add")
def add(
    username: str,
    role: Role = typer.Option(..., help="admin, supervisor, operator, analyst, auditor or tenant_viewer"),
    tenant: str | None = typer.Option(None, help="Tenant id (required for tenant_viewer)"),
    full_name: str = typer.Option("", help="Full name"),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="KUZET_NEW_PASSWORD",
        help="At least 10 characters",
    ),
) -> None:
    """Add a user who can sign in to the API."""
    with wired() as kuzet:
        command = AddUser(
            username=username, password=password, role=role, tenant_id=tenant, full_name=full_name
        )
        kuzet.messagebus.handle(command, cli_actor())
    console.print(f"[green]added[/] {username} ({role.value})")


@app.command("list")
def list_users() -> None:
    """List users and their roles."""
    with wired() as kuzet, kuzet.uow() as uow:
        users = uow.users.list()
    table = Table("username", "role", "tenant", "name", "active")
    for u in users:
        table.add_row(u.username, u.role.value, u.tenant_id or "—", u.full_name, "yes" if u.active else "no")
    console.print(table)
