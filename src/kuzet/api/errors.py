"""Map Kuzet's errors to HTTP answers that say what was wrong, and audit failed changes."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from kuzet.domain.audit import AuditOutcome
from kuzet.errors import (
    ConfigError,
    ConflictError,
    KuzetError,
    NotFoundError,
    StoreUnavailableError,
)
from kuzet.services.context import Actor
from kuzet.services.users import WeakPasswordError

_STATUS: list[tuple[type[KuzetError], int]] = [
    (NotFoundError, status.HTTP_404_NOT_FOUND),
    (ConflictError, status.HTTP_409_CONFLICT),
    (WeakPasswordError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ConfigError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (StoreUnavailableError, status.HTTP_503_SERVICE_UNAVAILABLE),
]


def status_for(exc: KuzetError) -> int:
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)


async def _kuzet_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KuzetError)
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
