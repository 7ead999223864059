"""Run every benchmark module (or those named) and print one table each: ``python -m bench [name...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

import bench
from bench.common import BenchRow, machine


def modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    return [n for n in names if not selected or n.removeprefix("bench_") in selected or n in selected]


def main() -> None:
    console = Console()
    console.print(f"[bold]Kuzet benchmarks[/] on {machine()}")
    for name in modules(sys.argv[1:]):
        module = importlib.import_module(f"bench.{name}")
        run: Callable[[], list[BenchRow]] = module.run
        table = Table(
            "measure", "value", "unit", "note", title=f"{name.removeprefix('bench_')}: {module.__doc__}"
        )
        for row in run():
            table.add_row(
                row.name,
                f"{row.value:,.3g}" if abs(row.value) < 1000 else f"{row.value:,.0f}",
                row.unit,
                row.note,
            )
        console.print(table)


if __name__ == "__main__":
    main()
