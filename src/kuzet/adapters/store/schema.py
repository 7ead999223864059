"""Every table module, imported once so the metadata (and Alembic's autogenerate) sees all tables."""

from kuzet.adapters.store import fleet_tables, operations_tables, tables
from kuzet.adapters.store.tables import Base

__all__ = ["Base", "fleet_tables", "operations_tables", "tables"]
