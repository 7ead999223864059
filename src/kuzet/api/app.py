"""The FastAPI application: routers, middleware, error handlers and the background outbox relay."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import Any

from fastapi import FastAPI

from kuzet import __version__
from kuzet.adapters.roads.basemap import BaseMap
from kuzet.api.console import Console
from kuzet.api.contract import deployment_openapi
from kuzet.api.errors import install_error_handlers
from kuzet.api.headers import SecurityHeaders, docs_policies
from kuzet.api.metrics import ApiMetrics
from kuzet.api.routers import (
    alerts,
    archive,
    audit,
    auth,
    basemap,
    calls,
    camera_health,
    cameras,
    districts,
    evidence,
    feed,
    fleet,
    health,
    incidents,
    legal_holds,
    offenses,
    shift,
    tenants,
    tickets,
    units,
    uploads,
    users,
)
from kuzet.api.session import BrowserSessions
from kuzet.bootstrap import Kuzet
from kuzet.config.settings import Mode
from kuzet.domain.geo import GeoBounds
from kuzet.wiring.serving import OperationsRuntime

log = logging.getLogger(__name__)

ROUTERS = (
    health.router,
    auth.router,
    cameras.router,
    districts.router,
    basemap.router,
    offenses.router,
    tenants.router,
    units.router,
    users.router,
    audit.router,
    archive.router,
    legal_holds.router,
    uploads.router,
    evidence.router,
    alerts.router,
    incidents.router,
    calls.router,
    tickets.router,
    camera_health.router,
    fleet.router,
    shift.router,
)
WEBSOCKET_ROUTERS = (feed.router,)
PUBLIC_ROUTES = health.PUBLIC_ROUTES | auth.PUBLIC_ROUTES


async def _relay_outbox(kuzet: Kuzet, interval_s: float, wake: asyncio.Event) -> None:
    """Publish committed events as soon as a command commits (woken), or every ``interval_s`` at most."""
    while True:
        wake.clear()
        try:
            await kuzet.outbox.publish_pending()
        except Exception:  # the relay must outlive a bus or database hiccup; it retries next round
            log.exception("outbox relay failed; retrying in %.1f s", interval_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), interval_s)


def create_app(
    kuzet: Kuzet,
    relay_interval_s: float = 0.5,
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> FastAPI:
    """Build the API around a bootstrapped Kuzet; the caller owns ``kuzet`` (and disposes of it).

    ``background`` coroutines (the demo's simulated city) run for the life of the app.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await kuzet.bus.start()
        loop, wake = asyncio.get_running_loop(), asyncio.Event()

        def wake_relay() -> None:
            loop.call_soon_threadsafe(wake.set)

        kuzet.messagebus.on_commit = wake_relay
        runtime = OperationsRuntime(kuzet)
        await runtime.start()
        tasks = [asyncio.create_task(_relay_outbox(kuzet, relay_interval_s, wake))]
        tasks += [asyncio.create_task(job()) for job in background]
        try:
            yield
        finally:
            kuzet.messagebus.on_commit = None
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.stop()
            await kuzet.bus.close()

    # Interactive docs describe the API, no data; production deployments do not advertise them.
    docs = kuzet.settings.mode is Mode.DEVELOPMENT
    app = FastAPI(
        title="Kuzet",
        version=__version__,
        lifespan=lifespan,
        redoc_url=None,
        docs_url="/api/docs" if docs else None,
        openapi_url="/api/openapi.json" if docs else None,
    )
    settings = kuzet.settings
    app.state.kuzet = kuzet
    app.openapi = deployment_openapi(app, kuzet)  # type: ignore[method-assign]
    app.state.metrics = metrics = ApiMetrics()
    app.state.sessions = sessions = BrowserSessions(
        settings.secret_key, kuzet.tokens.lifetime, secure=settings.mode is not Mode.DEVELOPMENT
    )
    app.state.basemap = BaseMap(settings.roads, _map_bounds(kuzet))
    app.middleware("http")(sessions.middleware)
    app.middleware("http")(SecurityHeaders(docs_policies(app)))
    app.middleware("http")(metrics.middleware)
    install_error_handlers(app, ROUTERS)
    for router in (*ROUTERS, *WEBSOCKET_ROUTERS):
        app.include_router(router)
    # Whatever no route takes: the console's pages and files, or the API's 404 (not in the document).
    app.router.default = Console(settings.web_path)
    return app


def _map_bounds(kuzet: Kuzet) -> GeoBounds:
    """The map positions are checked against; the road network's extent when no bounds are set."""
    network = kuzet.operations.network
    return kuzet.operations.field_policy.bounds or GeoBounds(
        float(network.lats.min()),
        float(network.lons.min()),
        float(network.lats.max()),
        float(network.lons.max()),
    )
