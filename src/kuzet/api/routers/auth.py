"""Sign-in (password → short-lived token) and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal, client_address
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.users.model import Permission
from kuzet.services.users.accounts import SignInError, SignInThrottledError

router = APIRouter(prefix="/api/auth", tags=["auth"])
PUBLIC_ROUTES = frozenset({"/api/auth/login"})


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 scheme name, not a secret
    expires_in: int


class SessionPublic(BaseModel):
    username: str
    role: str
    tenant_id: str | None
    permissions: list[str]


@router.post("/login", responses=responses(401, 422, 429, 503))
def login(
    request: Request, kuzet: KuzetDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenPublic:
    try:
        user = kuzet.sign_in(form.username, form.password, client_address(request))
    except SignInThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            str(exc),
            headers={"Retry-After": str(int(exc.retry_after) + 1)},
        ) from None
    except SignInError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    token = kuzet.tokens.issue(user.username, user.role, user.tenant_id)
    return TokenPublic(access_token=token, expires_in=int(kuzet.tokens.lifetime.total_seconds()))


@router.get("/me", responses=responses(*AUTHENTICATED))
def me(
    principal: Annotated[
        Principal, Depends(Authorize(Permission.SESSION_READ, "view_session", audit_view=False))
    ],
) -> SessionPublic:
    user = principal.user
    return SessionPublic(
        username=user.username,
        role=user.role.value,
        tenant_id=user.tenant_id,
        permissions=sorted(p.value for p in user.permissions),
    )
