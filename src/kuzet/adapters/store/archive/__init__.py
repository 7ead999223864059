"""The archive index in SQL."""
