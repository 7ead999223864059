"""Every table module, imported once so the metadata (and Alembic's autogenerate) sees all tables."""

from kuzet.adapters.store import tables
from kuzet.adapters.store.archive import tables as archive_tables
from kuzet.adapters.store.audit import tables as audit_tables
from kuzet.adapters.store.cameras import tables as camera_tables
from kuzet.adapters.store.fleet import tables as fleet_tables
from kuzet.adapters.store.operations import tables as operations_tables
from kuzet.adapters.store.tables import Base
from kuzet.adapters.store.users import tables as user_tables

__all__ = [
    "Base",
    "archive_tables",
    "audit_tables",
    "camera_tables",
    "fleet_tables",
    "operations_tables",
    "tables",
    "user_tables",
]
