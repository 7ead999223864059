"""What every CLI command shares: settings, the wired app, the acting user, console output.

The ``kuzet/cli`` modules import only Typer, Rich, the standard library and light ``kuzet`` modules
(domain types, errors) at module level: ``kuzet --help`` and every command's help load them all.
Whatever pulls in the database, the web stack, video or the model runtimes is imported inside the
command that uses it (``bench/bench_start.py`` measures the start; ``tests/unit/cli`` guards it).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

from kuzet.services.context import Actor

if TYPE_CHECKING:
    from kuzet.bootstrap import Kuzet

console = Console()
errors = Console(stderr=True)


def cli_actor(reason: str = "", case_number: str = "") -> Actor:
    return Actor(name=f"cli:{getpass.getuser()}"[:64], reason=reason, case_number=case_number, source="cli")


@contextmanager
def wired(check_database: bool = True) -> Iterator[Kuzet]:
    """Bootstrap from the environment; dispose of connections however the command ends."""
    from kuzet.adapters.store.engine import check_connection
    from kuzet.bootstrap import bootstrap
    from kuzet.config.settings import load_settings

    kuzet = bootstrap(load_settings())
    try:
        if check_database:
            check_connection(kuzet.engine)
        yield kuzet
    finally:
        kuzet.dispose()
