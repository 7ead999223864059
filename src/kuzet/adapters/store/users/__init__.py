"""Users and tenants in SQL."""
