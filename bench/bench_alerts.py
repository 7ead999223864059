"""alert router throughput and live-feed latency"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import numpy as np
import psycopg
from fastapi.testclient import TestClient

from bench.common import BenchRow
from kuzet.adapters.store import migrate
from kuzet.api.app import create_app
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.alerts import Observation
from kuzet.domain.operations.messages import AlertRaised, RaiseAlert
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import Role, TenantScope
from kuzet.services.context import Actor
from kuzet.sim.city import generate_city

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
OBSERVATIONS = 1500
FEED_EVENTS = 3000
FEED_RATE = 1000.0
SYSTEM = Actor("bench")


def _wire(url: str) -> Kuzet:
    kuzet = bootstrap(load_settings(database_url=url, _env_file=None))
    migrate.upgrade(kuzet.engine)
    city = generate_city(7, 300, 40)
    command = ImportSite(
        districts=city.districts, tenants=city.tenants, units=city.units, cameras=city.cameras
    )
    kuzet.messagebus.handle(command, SYSTEM)
    return kuzet


@contextmanager
def _postgres() -> Iterator[str | None]:
    name = f"kuzet_bench_{uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        yield None
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def router_rate(kuzet: Kuzet) -> tuple[float, int]:
    """Observations per second through the router (dedup, correlation, store, outbox)."""
    with kuzet.uow() as uow:
        cameras = [c.id for c in uow.cameras.list(TenantScope(None))]
    rng = np.random.default_rng(1)
    started = time.perf_counter()
    for i in range(OBSERVATIONS):
        camera = cameras[int(rng.integers(len(cameras)))]
        obs = Observation("loitering", utc_now(), camera_id=camera, track_id=int(rng.integers(0, 50)))
        kuzet.messagebus.handle(RaiseAlert(observation=obs), SYSTEM)
        if i == 0:
            started = time.perf_counter()  # exclude the first (warm-up) command
    rate = (OBSERVATIONS - 1) / (time.perf_counter() - started)
    with kuzet.uow() as uow:
        alerts = len(uow.alerts.recent(TenantScope(None), 10_000))
    return rate, alerts


def feed_latency(kuzet: Kuzet) -> list[float]:
    """Seconds from bus publish to WebSocket delivery at ``FEED_RATE`` events/s."""
    kuzet.messagebus.handle(AddUser(username="bench", password="bench-password", role=Role.OPERATOR), SYSTEM)
    latencies: list[float] = []
    with TestClient(create_app(kuzet)) as client:
        token = client.post("/api/auth/login", data={"username": "bench", "password": "bench-password"})
        with client.websocket_connect(f"/api/feed?token={token.json()['access_token']}") as ws:
            while kuzet.operations.live_feed.watcher_count < 1:
                time.sleep(0.01)

            async def publish() -> None:
                start = time.perf_counter()
                for i in range(FEED_EVENTS):
                    delay = start + i / FEED_RATE - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    await kuzet.bus.publish(
                        AlertRaised(
                            alert_id=f"al-{i}",
                            code="fight",
                            priority=2,
                            camera_id="street-0001",
                            tenant_id=None,
                            lat=None,
                            lon=None,
                            related_alert_ids=(),
                        )
                    )

            assert client.portal is not None
            client.portal.start_task_soon(publish)
            for _ in range(FEED_EVENTS):
                message = ws.receive_json()
                sent = datetime.fromisoformat(message["data"]["occurred_at"])
                latencies.append((datetime.now(UTC) - sent).total_seconds())
    return latencies


def run() -> list[BenchRow]:
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as folder:
        kuzet = _wire(f"sqlite:///{Path(folder) / 'bench.db'}")
        rate, alerts = router_rate(kuzet)
        rows.append(
            BenchRow("alert router, SQLite", rate, "observations/s", f"{OBSERVATIONS} → {alerts} alerts")
        )
        latencies = np.array(feed_latency(kuzet)) * 1000
        kuzet.dispose()
    rows.append(
        BenchRow(
            "bus publish → WebSocket, p50",
            float(np.percentile(latencies, 50)),
            "ms",
            f"{FEED_EVENTS} events at {FEED_RATE:.0f}/s, in-process bus",
        )
    )
    rows.append(
        BenchRow("bus publish → WebSocket, p99", float(np.percentile(latencies, 99)), "ms", "goal < 100 ms")
    )
    with _postgres() as url:
        if url is None:
            rows.append(BenchRow("alert router, PostgreSQL", float("nan"), "observations/s", "no server"))
        else:
            kuzet = _wire(url)
            rate, alerts = router_rate(kuzet)
            kuzet.dispose()
            rows.append(
                BenchRow(
                    "alert router, PostgreSQL", rate, "observations/s", f"{OBSERVATIONS} → {alerts} alerts"
                )
            )

    return rows
