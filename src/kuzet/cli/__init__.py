"""The ``kuzet`` command line (Typer + Rich)."""
