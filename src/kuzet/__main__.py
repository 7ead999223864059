"""``python -m kuzet`` runs the command line."""

from kuzet.cli.main import main

main()
