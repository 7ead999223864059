"""What every CLI command shares: settings, the wired app, the acting user, console output."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from kuzet.adapters.store.engine import check_connection
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.services.context import Actor

console = Console()
errors = Console(stderr=True)


def cli_actor(reason: str = "", case_number: str = "") -> Actor:
    return Actor(name=f"cli:{getpass.getuser()}"[:64], reason=reason, case_number=case_number, source="cli")


@contextmanager
def wired(check_database: bool = True) -> Iterator[Kuzet]:
    """Bootstrap from the environment; dispose of connections however the command ends."""
    kuzet = bootstrap(load_settings())
    try:
        if check_database:
            check_connection(kuzet.engine)
        yield kuzet
    finally:
        kuzet.dispose()
