"""Alembic environment: runs on the connection that ``kuzet.adapters.store.migrate`` hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from kuzet.adapters.store.schema import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `kuzet db upgrade`, which passes the connection")
run_migrations(connection)
