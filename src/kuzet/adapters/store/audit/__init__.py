"""The audit chain in SQL."""
