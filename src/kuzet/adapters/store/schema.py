"""Every table module, imported once so the metadata (and Alembic's autogenerate) sees all tables."""

from kuzet.adapters.store import operations_tables, tables
from kuzet.adapters.store.tables import Base

__all__ = ["Base", "operations_tables", "tables"]
