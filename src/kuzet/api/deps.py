"""Dependencies as ``Annotated`` aliases: the app, the signed-in user, and per-route authorisation.

A user signs in with a bearer token (the CLI, scripts) or a browser session's cookie (the console; see
``kuzet.api.session``); routes cannot tell the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from kuzet.adapters.security import InvalidTokenError
from kuzet.api.session import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    BrowserSessions,
    Renewal,
)
from kuzet.bootstrap import Kuzet
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.model import Permission, TenantScope, User
from kuzet.services.context import Actor

REASON_HEADER = "X-Kuzet-Reason"
CASE_HEADER = "X-Kuzet-Case"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)


def get_kuzet(request: Request) -> Kuzet:
    kuzet: Kuzet = request.app.state.kuzet
    return kuzet


KuzetDep = Annotated[Kuzet, Depends(get_kuzet)]

_UNAUTHENTICATED = HTTPException(
    status.HTTP_401_UNAUTHORIZED,
    "sign in first: send 'Authorization: Bearer <token>', or sign in at /api/auth/session",
    headers={"WWW-Authenticate": "Bearer"},
)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_sessions(request: Request) -> BrowserSessions:
    sessions: BrowserSessions = request.app.state.sessions
    return sessions


def get_current_user(
    request: Request, kuzet: KuzetDep, bearer: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The user of the bearer token, else of the session cookie (then CSRF-checked and renewed)."""
    cookie = None if bearer else request.cookies.get(SESSION_COOKIE)
    token = bearer or cookie
    if not token:
        raise _UNAUTHENTICATED
    try:
        claims = kuzet.tokens.read(token)
    except InvalidTokenError:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the access token is invalid or expired; sign in again",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    with kuzet.uow() as uow:
        user = uow.users.get(claims.username)
    if user is None or not user.active:
        raise _UNAUTHENTICATED
    if cookie is not None:
        _admit_session(request, kuzet, user, claims.expires_at)
    return user


def _admit_session(request: Request, kuzet: Kuzet, user: User, expires_at: datetime) -> None:
    """A cookie request: refuse an unsafe one without the CSRF token; renew a cookie past half-life."""
    sessions = get_sessions(request)
    if request.method in UNSAFE_METHODS and not sessions.csrf_valid(user.username, request):
        actor = Actor(user.username, user.tenant_id, source=client_address(request))
        target = f"{request.method} {request.url.path}"[:255]
        kuzet.audit.record(actor.audit("use_session", target, AuditOutcome.DENIED, why="no CSRF token"))
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"a request signed in by the session cookie must send the {CSRF_COOKIE} cookie's value "
            f"in the {CSRF_HEADER} header",
        )
    if sessions.needs_renewal(expires_at):
        csrf = request.cookies.get(CSRF_COOKIE, "")
        if not sessions.csrf_cookie_valid(user.username, csrf):
            csrf = sessions.new_csrf(user.username)  # lost, or another user's: the session gets its own
        token = kuzet.tokens.issue(user.username, user.role, user.tenant_id)
        request.state.renewal = Renewal(token=token, csrf=csrf)


CurrentUser = Annotated[User, Depends(get_current_user)]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authorised request: the user, what they may see, and the actor to audit."""

    user: User
    scope: TenantScope
    actor: Actor


class Authorize:
    """Route dependency: require a permission; audit the access (views) or the refusal.

    Changes are audited by their command handler in the same transaction as the change, so
    ``audit_view=False`` on routes that change things avoids a second record.
    """

    def __init__(self, permission: Permission, action: str, audit_view: bool = True) -> None:
        self.permission = permission
        self.action = action
        self.audit_view = audit_view

    def __call__(self, request: Request, user: CurrentUser, kuzet: KuzetDep) -> Principal:
        actor = Actor(
            name=user.username,
            tenant_id=user.tenant_id,
            reason=request.headers.get(REASON_HEADER, "")[:500],
            case_number=request.headers.get(CASE_HEADER, "")[:64],
            source=client_address(request),
        )
        target = ",".join(f"{k}:{v}" for k, v in sorted(request.path_params.items()))[:255]
        request.state.actor, request.state.action, request.state.target = actor, self.action, target
        if not user.can(self.permission):
            kuzet.audit.record(
                actor.audit(self.action, target, AuditOutcome.DENIED, need=self.permission.value)
            )
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"your role {user.role.value!r} lacks {self.permission.value!r}"
            )
        if self.audit_view:
            kuzet.audit.record(actor.audit(self.action, target))
        return Principal(user=user, scope=TenantScope.for_user(user), actor=actor)
