"""The room's work in SQL."""
