"""Fixtures for the NATS bus tests, which run against a real JetStream server.

The server comes from ``KUZET_TEST_NATS_URL`` (default ``nats://127.0.0.1:4222``). Without one the
tests are skipped on a developer machine, but under ``CI=true`` they fail: CI must not go green by
skipping the only tests that prove durable delivery. Every test gets its own stream and subject prefix,
so tests cannot see each other's events, and the stream is deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from kuzet.adapters.bus.nats import NatsEventBus

NATS_URL_ENV = "KUZET_TEST_NATS_URL"
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"

# Short timings keep every test to a couple of seconds.
TEST_BUS_OPTIONS: dict[str, Any] = {
    "connect_timeout": 2.0,
    "ack_wait": 2.0,
    "nak_delay": 0.1,
    "fetch_timeout": 0.5,
    "close_timeout": 3.0,
}


def _unreachable_reason(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), timeout=1):
            return None
    except OSError as exc:
        return str(exc)


@pytest.fixture(scope="session")
def nats_url() -> str:
    url = os.environ.get(NATS_URL_ENV, DEFAULT_NATS_URL)
    reason = _unreachable_reason(url)
    if reason is not None:
        message = f"NATS JetStream server not reachable at {url} ({reason}); set {NATS_URL_ENV}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


class BusFactory:
    """Makes buses on this test's stream; closes them all at teardown."""

    def __init__(self, url: str) -> None:
        suffix = uuid4().hex[:12]
        self.url = url
        self.stream = f"KUZET_TEST_{suffix}"
        self.prefix = f"kuzet_test_{suffix}"
        self.buses: list[NatsEventBus] = []

    def __call__(self, **options: Any) -> NatsEventBus:
        bus = NatsEventBus(self.url, self.stream, self.prefix, **(TEST_BUS_OPTIONS | options))
        self.buses.append(bus)
        return bus

    async def close_all(self) -> None:
        for bus in self.buses:
            await bus.close()


@pytest.fixture
async def jetstream(nats_url: str) -> AsyncIterator[JetStreamContext]:
    """A raw JetStream context, to inspect streams and consumers and to publish raw bytes."""
    nc = await nats.connect(nats_url, connect_timeout=2, max_reconnect_attempts=1)
    yield nc.jetstream()
    await nc.drain()


@pytest.fixture
async def make_bus(nats_url: str, jetstream: JetStreamContext) -> AsyncIterator[BusFactory]:
    factory = BusFactory(nats_url)
    yield factory
    await factory.close_all()
    with contextlib.suppress(NotFoundError):
        await jetstream.delete_stream(factory.stream)
