"""Adapters: concrete implementations of the service ports (store, bus, ...), chosen in bootstrap()."""
