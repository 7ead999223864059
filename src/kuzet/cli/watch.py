"""``kuzet watch``: the live feed in the terminal — alerts, incidents, dispatches and units as they happen."""

from __future__ import annotations

import json
import urllib.parse
from collections import deque
from datetime import datetime
from typing import Any

import typer
from rich.live import Live
from rich.table import Table

from kuzet.cli.common import console
from kuzet.errors import KuzetError

PRIORITY_STYLE = {1: "bold red", 2: "red", 3: "yellow", 4: "cyan", 5: "dim"}


def sign_in(base_url: str, username: str, password: str) -> str:
    import urllib.request

    body = urllib.parse.urlencode({"username": username, "password": password}).encode()
    request = urllib.request.Request(f"{base_url}/api/auth/login", data=body, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the operator's own server
            token: str = json.load(response)["access_token"]
            return token
    except urllib.error.HTTPError as exc:
        raise KuzetError(f"sign-in to {base_url} failed: {exc.code} {exc.read().decode()[:200]}") from None
    except OSError as exc:
        raise KuzetError(f"cannot reach {base_url}: {exc}") from None


def describe(event: dict[str, Any]) -> tuple[str, str, str, str]:
    """(kind, what, where, style) for one feed message."""
    kind, data = event["type"], event["data"]
    priority = int(data.get("priority", 3))
    style = (
        PRIORITY_STYLE.get(priority, "")
        if kind in {"AlertRaised", "AlertEscalated", "IncidentOpened"}
        else ""
    )
    what = data.get("code") or data.get("status") or data.get("state") or ""
    if kind == "UnitsDispatched":
        what = f"{data['code']}: {', '.join(data['unit_ids'])}"
    where = (
        data.get("camera_id") or data.get("incident_id") or data.get("unit_id") or data.get("alert_id") or ""
    )
    if kind == "UnitMoved":
        where = f"{data['unit_id']} @ {data['lat']:.4f},{data['lon']:.4f}"
    return kind, str(what), str(where), style


def render(rows: deque[tuple[str, str, str, str, str]], url: str) -> Table:
    table = Table("time", "event", "what", "where", title=f"Kuzet live feed — {url}", expand=True)
    for at, kind, what, where, style in reversed(rows):
        table.add_row(at, kind, what, where, style=style)
    return table


async def follow(base_url: str, token: str, rows: int, limit: int | None) -> None:
    import websockets

    ws_url = base_url.replace("http", "ws", 1) + "/api/feed?token=" + urllib.parse.quote(token)
    recent: deque[tuple[str, str, str, str, str]] = deque(maxlen=rows)
    seen = 0
    async with websockets.connect(ws_url) as socket:
        with Live(render(recent, base_url), console=console, refresh_per_second=4) as live:
            async for message in socket:
                event = json.loads(message)
                at = datetime.fromisoformat(event["data"]["occurred_at"]).strftime("%H:%M:%S")
                recent.append((at, *describe(event)))
                live.update(render(recent, base_url))
                seen += 1
                if limit is not None and seen >= limit:
                    return


def watch(
    url: str = typer.Option("http://127.0.0.1:8040", help="The Kuzet API"),
    username: str = typer.Option("operator", help="Who signs in"),
    password: str = typer.Option(..., prompt=True, hide_input=True, envvar="KUZET_PASSWORD"),
    rows: int = typer.Option(25, help="How many recent events to show"),
    limit: int | None = typer.Option(None, help="Stop after this many events"),
) -> None:
    """Follow the live feed: alerts arrive, incidents open, units are dispatched and move."""
    import asyncio

    import websockets

    token = sign_in(url.rstrip("/"), username, password)
    try:
        asyncio.run(follow(url.rstrip("/"), token, rows, limit))
    except websockets.exceptions.InvalidStatus as exc:
        raise KuzetError(f"the live feed refused the connection: {exc}") from None
    except KeyboardInterrupt:
        pass
