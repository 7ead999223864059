"""Shared fixtures: databases (SQLite always; the real PostgreSQL where reachable) and a wired Kuzet.

PostgreSQL comes from ``KUZET_TEST_POSTGRES_URL`` (default: the local server, trust auth). Without it
the PostgreSQL variants skip on a developer machine; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy.engine import make_url

from kuzet.adapters.store import migrate
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings

POSTGRES_URL_ENV = "KUZET_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def require_server(host: str, port: int, what: str, env: str) -> None:
    """Skip (developer machine) or fail (CI) when a real server the test needs is not reachable."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError as exc:
        message = f"{what} not reachable at {host}:{port} ({exc}); set {env}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin_url = make_url(os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL))
    require_server(admin_url.host or "127.0.0.1", admin_url.port or 5432, "PostgreSQL", POSTGRES_URL_ENV)
    name = f"kuzet_test_{uuid4().hex[:12]}"
    conninfo = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kuzet.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that takes this runs on both databases."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


def wire(database_url: str) -> Kuzet:
    kuzet = bootstrap(load_settings(database_url=database_url, bus_url="memory://", _env_file=None))
    migrate.upgrade(kuzet.engine)
    return kuzet


@pytest.fixture
def kuzet(sqlite_url: str) -> Iterator[Kuzet]:
    """A migrated Kuzet on a fresh SQLite database and the in-process bus."""
    app = wire(sqlite_url)
    yield app
    app.dispose()


@pytest.fixture
def kuzet_any_db(database_url: str) -> Iterator[Kuzet]:
    """A migrated Kuzet on SQLite and, in a second run, PostgreSQL."""
    app = wire(database_url)
    yield app
    app.dispose()
