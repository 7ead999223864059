"""Map Kuzet's errors to HTTP answers that say what was wrong, and audit failed changes.

Every error answer has one shape, ``ErrorPublic``: ``detail``, a sentence for a person, and ``errors``,
one entry per offending field (empty when the error is not about a field). Request validation (422),
refusals by a domain rule (400, 404, 409), authentication (401, 403), throttling (429), a missing route
or method (404, 405) and an unavailable store (503) all answer with it, and each route declares the
statuses it can return with ``responses(...)`` so that the OpenAPI document says so too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

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
_MAX_LISTED = 5
_UNREADABLE_BODY = "There was an error parsing the body"


class ErrorIssue(BaseModel):
    """One offending part of the request."""

    loc: list[str | int] = Field(description="Where: 'body', 'query', 'path' or 'header', then the field")
    msg: str = Field(description="What is wrong with it")
    type: str = Field(description="A stable code for the kind of problem (e.g. 'missing', 'float_type')")


class ErrorPublic(BaseModel):
    """The body of every error answer."""

    detail: str = Field(description="What was wrong, for a person")
    errors: list[ErrorIssue] = Field(description="Each offending field; empty when none is to blame")


_DESCRIPTIONS: dict[int, str] = {
    400: "The request cannot be served as asked (a rule of the archive or of the domain refuses it)",
    401: "Not signed in, or the token is invalid or expired",
    403: "Signed in, but the role lacks the permission",
    404: "Not found, or not visible to the caller's tenant",
    409: "Clashes with what is stored: a stale version, an illegal state move, a duplicate",
    410: "The record exists but its file is no longer stored",
    422: "The request is invalid; `errors` names each offending field",
    429: "Too many failed sign-ins; retry after `Retry-After` seconds",
    503: "The database is unavailable",
}
# Every route that needs a token can answer these (the store is read to find the user).
AUTHENTICATED = (401, 403, 503)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of these error statuses, all with the ``ErrorPublic`` body."""
    return {code: {"model": ErrorPublic, "description": _DESCRIPTIONS[code]} for code in codes}


class InvalidRequestError(HTTPException):
    """A 422 for a rule the request schema cannot state (an end after a start); names the fields."""

    def __init__(self, detail: str, *fields: Sequence[str | int], kind: str = "value_error") -> None:
        super().__init__(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)
        self.issues = [ErrorIssue(loc=list(loc), msg=detail, type=kind) for loc in fields]


def status_for(exc: Exception) -> int:
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)


def error_response(
    code: int,
    detail: str,
    issues: Sequence[ErrorIssue] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorPublic(detail=detail, errors=list(issues))
    return JSONResponse(body.model_dump(mode="json"), status_code=code, headers=headers)


async def _kuzet_error(request: Request, exc: Exception) -> JSONResponse:
    code = status_for(exc)
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is not None and code != status.HTTP_503_SERVICE_UNAVAILABLE:
        entry = actor.audit(
            request.state.action, request.state.target, AuditOutcome.FAILED, error=str(exc)[:500]
        )
        request.app.state.kuzet.audit.record(entry)
    return error_response(code, str(exc))


class MethodIndex:
    """Which methods the app serves at a path: a 405 lists them all, not only those of the first route
    that matched the path (the router stops there)."""

    def __init__(self, routers: Iterable[APIRouter]) -> None:
        self._routes = [
            (route.path_regex, frozenset(route.methods or ()))
            for router in routers
            for route in router.routes
            if isinstance(route, APIRoute)
        ]

    def methods_at(self, path: str) -> list[str]:
        return sorted({m for regex, methods in self._routes if regex.match(path) for m in methods})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == status.HTTP_400_BAD_REQUEST and exc.detail == _UNREADABLE_BODY:
        # FastAPI's answer to a body it cannot decode (not UTF-8, a broken multipart form): as invalid as
        # malformed JSON, which it answers 422.
        issue = ErrorIssue(loc=["body"], msg="the body cannot be read", type="body_unreadable")
        return error_response(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid request: the body cannot be read", [issue]
        )
    headers = dict(exc.headers or {})
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        index: MethodIndex = request.app.state.method_index
        # An API path: every method its routes serve. The console's pages keep their own (GET, HEAD).
        if methods := index.methods_at(request.scope["path"]):
            headers["Allow"] = ", ".join(methods)
    issues = exc.issues if isinstance(exc, InvalidRequestError) else ()
    return error_response(exc.status_code, str(exc.detail), issues, headers)


def _issue(error: Mapping[str, Any]) -> ErrorIssue:
    return ErrorIssue(
        loc=list(error.get("loc", ())), msg=str(error.get("msg", "")), type=error.get("type", "")
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """Pydantic's findings as ``errors`` (without the offending input: it may be a password)."""
    assert isinstance(exc, RequestValidationError)
    issues = [_issue(e) for e in exc.errors()]
    listed = "; ".join(f"{'.'.join(map(str, i.loc))}: {i.msg}" for i in issues[:_MAX_LISTED])
    more = f" (and {len(issues) - _MAX_LISTED} more)" if len(issues) > _MAX_LISTED else ""
    return error_response(status.HTTP_422_UNPROCESSABLE_CONTENT, f"invalid request: {listed}{more}", issues)


def install_error_handlers(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    app.state.method_index = MethodIndex(routers)
    app.add_exception_handler(KuzetError, _kuzet_error)
    for kind in _CONFLICTS:
        app.add_exception_handler(kind, _kuzet_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
