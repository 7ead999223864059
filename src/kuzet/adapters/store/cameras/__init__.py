"""Cameras and districts in SQL."""
