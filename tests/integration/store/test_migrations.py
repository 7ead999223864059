"""Migrations run on SQLite and on the real PostgreSQL, and leave exactly the schema the code maps."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kuzet.adapters.store import migrate
from kuzet.adapters.store.engine import make_engine
from kuzet.adapters.store.tables import Base

TABLES = {
    "districts",
    "tenants",
    "cameras",
    "users",
    "patrol_units",
    "audit_records",
    "audit_head",
    "outbox",
    "processed_events",
    "archive_segments",
    "legal_holds",
    "archive_uploads",
    "evidence_exports",
    "alembic_version",
    "alerts",
    "incidents",
    "incident_notes",
    "unit_fixes",
    "sos_devices",
    "municipal_tickets",
    "camera_health_changes",
    "device_states",
    "device_state_history",
    "maintenance_tickets",
}


def test_upgrade_creates_the_mapped_schema_and_nothing_differs(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_downgrade_to_nothing_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()
