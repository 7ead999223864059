"""The fleet in SQL."""
