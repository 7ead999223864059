"""Security headers on every response: a strict Content-Security-Policy, no sniffing, no referrer.

The policy is the console's: everything from this server and nothing from anywhere else (a control room
has no internet). MapLibre GL and hls.js start web workers from ``blob:`` URLs, MapLibre draws images from
``blob:`` and ``data:``, and hls.js plays video from a ``blob:`` MediaSource URL, so those are allowed
for workers, images and media. Mantine sets ``style`` attributes (CSS variables) on its components, which
``style-src`` without ``'unsafe-inline'`` would block; scripts stay limited to the server's own files.

The interactive docs (development mode only) are Swagger UI from a CDN with one inline script: only their
pages get a policy that allows that CDN and that script, by its hash, and no other inline script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping

from fastapi import FastAPI, Request, Response

# Swagger UI's files, as FastAPI's ``get_swagger_ui_html`` links them.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_FAVICON_HOST = "https://fastapi.tiangolo.com"

_BASE = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONSOLE_POLICY = (
    *_BASE,
    "worker-src 'self' blob:",
    "child-src blob:",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    # Mantine's components carry style attributes; no inline script is allowed.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
)
# A Host header worth echoing as the live feed's ws:// and wss:// origin (a name or address, a port).
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def console_policy(host: str | None) -> str:
    """The policy of the API and the console; ``connect-src`` names the feed's ws:// and wss:// too.

    CSP Level 3 lets ``'self'`` match a WebSocket of the same host; browsers from before it did not.

    >>> "connect-src 'self' ws://127.0.0.1:8040 wss://127.0.0.1:8040" in console_policy("127.0.0.1:8040")
    True
    """
    connect = "connect-src 'self'"
    if host and _HOST.match(host):
        connect += f" ws://{host} wss://{host}"
    return "; ".join((*CONSOLE_POLICY, connect))


def script_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) of the inline scripts of a page."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def docs_policy(inline_scripts: Iterable[str]) -> str:
    """The policy of the docs pages: Swagger UI from its CDN, and their own inline script by hash."""
    return "; ".join(
        (
            *_BASE,
            f"script-src 'self' {DOCS_CDN} {' '.join(inline_scripts)}".rstrip(),
            f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
            f"img-src 'self' data: {DOCS_FAVICON_HOST}",
            "connect-src 'self'",
        )
    )


def docs_policies(app: FastAPI) -> dict[str, str]:
    """The docs pages' paths and their policies (none when the app serves no docs)."""
    from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html

    if app.docs_url is None or app.openapi_url is None:
        return {}
    # Rendered as FastAPI renders them (no root path), so the hashes are those of the served pages.
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )
    policies = {app.docs_url: docs_policy(script_hashes(bytes(page.body).decode()))}
    if app.swagger_ui_oauth2_redirect_url:
        redirect = get_swagger_ui_oauth2_redirect_html()
        policies[app.swagger_ui_oauth2_redirect_url] = docs_policy(
            script_hashes(bytes(redirect.body).decode())
        )
    return policies


class SecurityHeaders:
    """HTTP middleware: the headers every response carries; API answers are never cached."""

    def __init__(self, special_policies: Mapping[str, str]) -> None:
        self.special_policies = dict(special_policies)

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        path = request.url.path
        policy = self.special_policies.get(path) or console_policy(request.headers.get("host"))
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
