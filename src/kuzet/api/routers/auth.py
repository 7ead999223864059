"""Sign-in: a short-lived bearer token (CLI, scripts) or a browser session in cookies (the console).

``POST /api/auth/login`` answers the token in JSON. ``POST /api/auth/session`` takes the same form, with
the same throttle and audit, and puts the token in an HttpOnly cookie instead, beside a CSRF cookie the
console echoes in ``X-CSRF-Token`` on every change (``kuzet.api.session``). ``GET /api/auth/me`` says who
is signed in, whichever way; ``POST /api/auth/logout`` clears the cookies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal, client_address, get_sessions
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.api.session import cross_origin
from kuzet.bootstrap import Kuzet
from kuzet.domain.users.model import Permission, Role, User
from kuzet.services.users.accounts import SignInError, SignInThrottledError

router = APIRouter(prefix="/api/auth", tags=["auth"])
PUBLIC_ROUTES = frozenset({"/api/auth/login", "/api/auth/session"})


class SignInForm(BaseModel):
    """OAuth2's password form (RFC 6749 §4.3): ``username`` and ``password``; the rest is optional and unused
    (a form has no null, so an absent field is its default)."""

    username: str = Field(min_length=1)
    password: str = Field(min_length=1, json_schema_extra={"format": "password"})
    grant_type: str = Field("password", pattern="^password$")
    scope: str = ""
    client_id: str = ""
    client_secret: str = Field("", json_schema_extra={"format": "password"})


SignInFormDep = Annotated[SignInForm, Form()]
CanReadSession = Annotated[
    Principal, Depends(Authorize(Permission.SESSION_READ, "view_session", audit_view=False))
]


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 scheme name, not a secret
    expires_in: int


class SessionPublic(BaseModel):
    """Who is signed in, and what they may do (the console shows only what these permit)."""

    username: str
    full_name: str = Field(description="The name to show; empty when none was given")
    role: Role
    tenant_id: str | None = Field(description="The tenant a tenant viewer belongs to; null for staff")
    permissions: list[Permission] = Field(description="Every permission of the role, sorted")

    @classmethod
    def of(cls, user: User) -> SessionPublic:
        return cls(
            username=user.username,
            full_name=user.full_name,
            role=user.role,
            tenant_id=user.tenant_id,
            permissions=sorted(user.permissions),
        )


def _sign_in(request: Request, kuzet: Kuzet, form: SignInForm) -> User:
    try:
        return kuzet.sign_in(form.username, form.password, client_address(request))
    except SignInThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            str(exc),
            headers={"Retry-After": str(int(exc.retry_after) + 1)},
        ) from None
    except SignInError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None


@router.post("/login", responses=responses(401, 422, 429, 503))
def login(request: Request, kuzet: KuzetDep, form: SignInFormDep) -> TokenPublic:
    user = _sign_in(request, kuzet, form)
    token = kuzet.tokens.issue(user.username, user.role, user.tenant_id)
    return TokenPublic(access_token=token, expires_in=int(kuzet.tokens.lifetime.total_seconds()))


@router.post(
    "/session",
    responses=responses(401, 403, 422, 429, 503),
    description=(
        "Sign in a browser: the access token goes into the HttpOnly `kuzet_session` cookie and a CSRF "
        "token into the `kuzet_csrf` cookie, whose value every POST, PUT, PATCH and DELETE signed in by "
        "the cookie must send in the `X-CSRF-Token` header. A form posted from another site's page "
        "(its `Origin` is not this server) is refused with 403."
    ),
)
def start_session(
    request: Request, response: Response, kuzet: KuzetDep, form: SignInFormDep
) -> SessionPublic:
    if cross_origin(request.headers):
        # Without this, another site could sign a visitor in as the attacker (login CSRF).
        raise HTTPException(status.HTTP_403_FORBIDDEN, "sign in from this server's own pages")
    user = _sign_in(request, kuzet, form)
    sessions = get_sessions(request)
    token = kuzet.tokens.issue(user.username, user.role, user.tenant_id)
    sessions.set_cookies(response, token, sessions.new_csrf(user.username))
    return SessionPublic.of(user)


@router.get("/me", responses=responses(*AUTHENTICATED))
def me(principal: CanReadSession) -> SessionPublic:
    return SessionPublic.of(principal.user)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(*AUTHENTICATED),
    description="Sign a browser out: both session cookies are cleared. Audited.",
)
def logout(
    request: Request,
    response: Response,
    _: Annotated[Principal, Depends(Authorize(Permission.SESSION_READ, "sign_out"))],
) -> None:
    request.state.renewal = None  # no fresh cookie on the way out
    get_sessions(request).clear_cookies(response)
