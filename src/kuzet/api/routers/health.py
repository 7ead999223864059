"""Health and metrics: the only routes, with sign-in, that need no token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from kuzet import __version__
from kuzet.adapters.store.engine import check_connection
from kuzet.api.deps import KuzetDep
from kuzet.errors import StoreUnavailableError

router = APIRouter(tags=["health"])
PUBLIC_ROUTES = frozenset({"/api/health", "/api/metrics"})


class HealthPublic(BaseModel):
    status: str
    version: str
    database: str
    bus: str


@router.get(
    "/api/health",
    responses={503: {"model": HealthPublic, "description": "Degraded: the database cannot be reached"}},
)
def health(kuzet: KuzetDep, response: Response) -> HealthPublic:
    try:
        check_connection(kuzet.engine)
        database = "ok"
    except (StoreUnavailableError, SQLAlchemyError) as exc:
        database = f"unavailable: {exc}"
    ok = database == "ok"
    if not ok:
        response.status_code = 503
    return HealthPublic(
        status="ok" if ok else "degraded",
        version=__version__,
        database=database,
        bus=kuzet.settings.bus_url.split("://")[0],
    )


@router.get(
    "/api/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus metrics in the text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
