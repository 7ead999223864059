"""the store and API on the embedded shape (SQLite)"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from bench.common import BenchRow
from kuzet.adapters.store import migrate
from kuzet.api.app import create_app
from kuzet.bootstrap import bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.audit.chain import AuditEntry
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.messages import utc_now
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor
from kuzet.sim.city import generate_city

AUDIT_APPENDS = 2000
API_CALLS = 200


def run() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as folder:
        kuzet = bootstrap(
            load_settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}", _env_file=None)
        )
        migrate.upgrade(kuzet.engine)
        city = generate_city(7, 300, 40)
        started = time.perf_counter()
        kuzet.messagebus.handle(
            ImportSite(
                districts=city.districts, tenants=city.tenants, units=city.units, cameras=city.cameras
            ),
            Actor("bench"),
        )
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(AUDIT_APPENDS):
            kuzet.audit.record(
                AuditEntry(actor="bench", action="view_camera", at=utc_now(), target=f"cam:{i}")
            )
        append_rate = AUDIT_APPENDS / (time.perf_counter() - started)
        started = time.perf_counter()
        report = kuzet.audit.verify()
        verify_rate = report.records_checked / (time.perf_counter() - started)
        kuzet.messagebus.handle(
            AddUser(username="bench", password="bench-password", role=Role.OPERATOR), Actor("bench")
        )
        with TestClient(create_app(kuzet)) as client:
            token = client.post("/api/auth/login", data={"username": "bench", "password": "bench-password"})
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            started = time.perf_counter()
            for _ in range(API_CALLS):
                client.get("/api/cameras", headers=headers)
            list_ms = (time.perf_counter() - started) / API_CALLS * 1000
        kuzet.dispose()
    return [
        BenchRow("import simulated city (300 cameras, 40 units)", import_s * 1000, "ms", "one transaction"),
        BenchRow("audit appends (own transaction each)", append_rate, "records/s", "hash-chained, WAL"),
        BenchRow("audit chain verification", verify_rate, "records/s", f"{report.records_checked} records"),
        BenchRow("GET /api/cameras (300 cameras, audited)", list_ms, "ms/request", "in-process client"),
    ]
