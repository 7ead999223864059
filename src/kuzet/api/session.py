"""Browser sessions: the access token in an HttpOnly cookie, a CSRF token beside it, sliding renewal.

A page's scripts never see the access token: ``POST /api/auth/session`` puts it in the ``kuzet_session``
cookie (HttpOnly, SameSite=Strict, Secure outside development mode). Because a browser sends that cookie
by itself, a request that it authenticates must also prove it comes from the console: every unsafe
method carries the ``kuzet_csrf`` cookie's value in the ``X-CSRF-Token`` header (double submit). The
value is signed for the user (an HMAC under the server's key), so a cookie planted by another site or a
sibling host is refused too. Bearer tokens (the CLI, scripts) need no CSRF token: no browser adds them.

The access token lives ``KUZET_TOKEN_MINUTES``. A cookie request past half of that gets a fresh cookie,
so an operator who works is never signed out and one who walks away is, after at most one lifetime.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from fastapi import Request, Response
from starlette.datastructures import Headers

SESSION_COOKIE = "kuzet_session"
CSRF_COOKIE = "kuzet_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Renewal:
    """A fresh cookie for the response: the new access token, the session's CSRF token kept."""

    token: str
    csrf: str


def same_origin(headers: Headers) -> bool:
    """Whether the request's ``Origin`` is this server (its ``Host``); False without an ``Origin``.

    >>> same_origin(Headers({"origin": "http://10.0.0.5:8040", "host": "10.0.0.5:8040"}))
    True
    >>> same_origin(Headers({"origin": "https://evil.example", "host": "10.0.0.5:8040"}))
    False
    """
    origin, host = headers.get("origin"), headers.get("host")
    if not origin or not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def cross_origin(headers: Headers) -> bool:
    """A request a browser sent from another site's page (it says so in ``Origin``)."""
    return "origin" in headers and not same_origin(headers)


class BrowserSessions:
    """Cookies of browser sessions: set, cleared, CSRF-checked and renewed."""

    def __init__(self, secret_key: str, lifetime: timedelta, secure: bool) -> None:
        # A key of its own, derived from the server's, so a CSRF MAC is never also a valid token signature.
        self._key = hmac.new(secret_key.encode(), b"kuzet csrf token", hashlib.sha256).digest()
        self.lifetime = lifetime
        self.secure = secure

    def _mac(self, username: str, nonce: str) -> str:
        return hmac.new(self._key, f"{username}\n{nonce}".encode(), hashlib.sha256).hexdigest()

    def new_csrf(self, username: str) -> str:
        """A CSRF token for ``username``: a random nonce and its MAC."""
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._mac(username, nonce)}"

    def csrf_cookie_valid(self, username: str, cookie: str) -> bool:
        """The CSRF cookie was issued by this server to this user."""
        nonce, _, mac = cookie.partition(".")
        return bool(nonce) and hmac.compare_digest(mac.encode(), self._mac(username, nonce).encode())

    def csrf_valid(self, username: str, request: Request) -> bool:
        """The header equals the cookie, and the cookie was issued by this server to this user."""
        header, cookie = request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)
        if not header or not cookie or not hmac.compare_digest(header.encode(), cookie.encode()):
            return False
        return self.csrf_cookie_valid(username, cookie)

    def needs_renewal(self, expires_at: datetime, now: datetime | None = None) -> bool:
        """Past half of its lifetime: less than half of it is left."""
        return expires_at - (now or datetime.now(UTC)) < self.lifetime / 2

    def set_cookies(self, response: Response, token: str, csrf: str) -> None:
        max_age = int(self.lifetime.total_seconds())
        for name, value, http_only in ((SESSION_COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path="/",
                secure=self.secure,
                httponly=http_only,
                samesite="strict",
            )

    def clear_cookies(self, response: Response) -> None:
        for name, http_only in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
            response.delete_cookie(name, path="/", secure=self.secure, httponly=http_only, samesite="strict")

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Put the renewed cookie (``request.state.renewal``, left by authentication) on the response."""
        response = await call_next(request)
        renewal: Renewal | None = getattr(request.state, "renewal", None)
        if renewal is not None:
            self.set_cookies(response, renewal.token, renewal.csrf)
        return response
