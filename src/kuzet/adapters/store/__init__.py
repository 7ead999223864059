"""SQLAlchemy 2 store: typed tables, repositories returning domain objects, a unit of work, migrations."""
