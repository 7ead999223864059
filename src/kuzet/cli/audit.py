"""``kuzet audit``: verify the hash chain and show recent records."""

from __future__ import annotations

import typer
from rich.table import Table

from kuzet.cli.common import console, errors, wired

app = typer.Typer(help="Audit trail.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Re-compute the audit hash chain; name every record that was edited or deleted."""
    with wired() as kuzet:
        report = kuzet.audit.verify()
    if report.intact:
        console.print(f"[green]audit chain intact[/]: {report.records_checked} records verified")
        return
    errors.print(
        f"[red]audit chain BROKEN[/]: {len(report.problems)} problem(s) in "
        f"{report.records_checked} records (head says {report.records_expected})"
    )
    for problem in report.problems:
        errors.print(f"  {problem}")
    raise typer.Exit(1)


@app.command("tail")
def tail(limit: int = typer.Option(20, help="How many records"), actor: str | None = None) -> None:
    """Show the newest audit records."""
    with wired() as kuzet:
        records = kuzet.audit.recent(limit, actor)
    table = Table("seq", "at", "actor", "action", "target", "outcome", "reason", "case")
    for r in reversed(records):
        e = r.entry
        table.add_row(
            str(r.seq),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.action,
            e.target,
            e.outcome.value,
            e.reason,
            e.case_number,
        )
    console.print(table)
