"""Kuzet (күзет, "watch"): an open-source platform for a city police Operational Control Center."""

__version__ = "0.1.0"
