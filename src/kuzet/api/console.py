"""The operator console's built files at ``/``, with ``index.html`` for the console's own routes.

The console (``web/``) is a single-page app: ``/incidents/42`` is a screen, not a file, so every GET that
no API route takes and that is not a file of the build gets ``index.html``, and the console's router
draws the screen. ``/api/…`` stays the API's: an unknown API path is a JSON 404 like any other. Vite
names the files under ``assets/`` by their content's hash, so they are cached for a year; ``index.html``
and the build's other files are revalidated on every load, so a new build is picked up at once. A
missing file under ``assets/`` is a 404, not ``index.html`` (a script answered with HTML fails obscurely).

The router hands this app every request that matches no route (``Router.default``), so the console never
shadows an API route and adds nothing to the OpenAPI document. When the build folder is missing, pages
get a short HTML note on how to build it.
"""

from __future__ import annotations

import html
from pathlib import Path

import anyio
from fastapi import HTTPException, status
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketClose

API_PREFIX = "/api"
ASSETS_PREFIX = "/assets/"
INDEX = "index.html"
HASHED_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_NOT_BUILT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kuzet: the console is not built</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5}}</style></head>
<body>
<h1>The Kuzet console is not built</h1>
<p>This server serves the operator console from <code>{folder}</code> (<code>KUZET_WEB_PATH</code>),
and that folder has no <code>index.html</code>.</p>
<p>Build it with <code>make demo</code>, or with <code>npm ci &amp;&amp; npm run build</code> in
<code>web/</code>, then reload this page.
The API answers meanwhile: <a href="/api/health">/api/health</a>.</p>
</body>
</html>
"""


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class Console:
    """ASGI app for every request no route matched: the console's files, or the API's 404."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files = StaticFiles(directory=folder, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        path: str = scope["path"]
        if is_api_path(path):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
        if scope["method"] not in {"GET", "HEAD"}:
            raise HTTPException(status.HTTP_405_METHOD_NOT_ALLOWED, headers={"Allow": "GET, HEAD"})
        response = await self._response(path, scope)
        await response(scope, receive, send)

    async def _response(self, path: str, scope: Scope) -> Response:
        if not await anyio.to_thread.run_sync((self.folder / INDEX).is_file):
            return self.not_built()
        relative = path.lstrip("/") or INDEX  # StaticFiles keeps a path with '..' inside the folder
        try:
            response = await self._files.get_response(relative, scope)
        except StarletteHTTPException as exc:  # what StaticFiles raises
            if exc.status_code != status.HTTP_404_NOT_FOUND or path.startswith(ASSETS_PREFIX):
                raise
            response = await self._files.get_response(INDEX, scope)  # a screen of the console
        hashed = path.startswith(ASSETS_PREFIX) and response.status_code < 400
        response.headers["Cache-Control"] = HASHED_CACHE if hashed else REVALIDATE
        return response

    def not_built(self) -> HTMLResponse:
        page = _NOT_BUILT.format(folder=html.escape(str(self.folder)))
        return HTMLResponse(
            page, status_code=status.HTTP_404_NOT_FOUND, headers={"Cache-Control": "no-store"}
        )
