"""Map Kuzet's errors to HTTP answers that say what was wrong, and audit failed changes."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.fleet.lifecycle import IllegalTransitionError, MaintenanceTicketError
from kuzet.domain.operations.field import IllegalTicketTransitionError
from kuzet.domain.operations.incidents import IllegalIncidentTransitionError, StaleIncidentError
from kuzet.errors import (
    ConfigError,
    ConflictError,
    KuzetError,
    NotFoundError,
    StoreUnavailableError,
)
from kuzet.services.context import Actor
from kuzet.services.operations.ports import StaleVersionError
from kuzet.services.users.accounts import WeakPasswordError

# Domain rules that refuse a change (a stale version, an illegal state move) are plain ValueErrors there.
_CONFLICTS: tuple[type[Exception], ...] = (
    StaleVersionError,
    StaleIncidentError,
    IllegalIncidentTransitionError,
    IllegalTicketTransitionError,
    IllegalTransitionError,
    MaintenanceTicketError,
)

_STATUS: list[tuple[type[Exception] | tuple[type[Exception], ...], int]] = [
    (_CONFLICTS, status.HTTP_409_CONFLICT),
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (WeakPasswordError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ConfigError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (StoreUnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE),
]


def status_for(exc: Exception) -> int:
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)


async def _kuzet_error(request: Request, exc: Exception) -> JSONResponse:
    code = status_for(exc)
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is not None and code != status.HTTP_503_SERVICE_UNAVAILABLE:
        entry = actor.audit(
            request.state.action, request.state.target, AuditOutcome.FAILED, error=str(exc)[:500]
        )
        request.app.state.kuzet.audit.record(entry)
    return JSONResponse({"detail": str(exc)}, status_code=code)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KuzetError, _kuzet_error)
    for kind in _CONFLICTS:
        app.add_exception_handler(kind, _kuzet_error)
