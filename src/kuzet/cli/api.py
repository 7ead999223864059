"""``kuzet api``: the HTTP API's own description, for the console's generated client."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="The HTTP API.", no_args_is_help=True)


@app.command("schema")
def schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout"),
) -> None:
    """Print the API's OpenAPI document (JSON), built from the default settings.

    Nothing is opened or started: no database (an in-memory one stands in), no bus, no server. The
    environment and ``.env`` are ignored, so every machine prints the same document (the default site's
    offense codes, the simulated city's map) and the console's typed client does not depend on where it
    was built: ``kuzet api schema -o openapi.json && npx openapi-typescript openapi.json -o …``.
    """
    import json

    from kuzet.adapters.archive.config import ArchiveConfig
    from kuzet.api.app import create_app
    from kuzet.bootstrap import bootstrap
    from kuzet.config.settings import Settings

    defaults = {name: field.get_default() for name, field in Settings.model_fields.items()}
    settings = Settings(_env_file=None, **{**defaults, "database_url": "sqlite://"})
    kuzet = bootstrap(settings, archive=ArchiveConfig())
    try:
        document = json.dumps(create_app(kuzet).openapi(), indent=2, ensure_ascii=False) + "\n"
    finally:
        kuzet.dispose()
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")
