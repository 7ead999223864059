"""The live feed over WebSocket: alerts, incidents, units and tickets as they happen, filtered per user.

Browsers cannot set headers on a WebSocket, so the token may come as ``?token=``; it is checked like
any other, the connection is audited, and a user without ``feed:read`` is refused (close code 4403).
The console's browser session signs the handshake in by its cookie instead. A browser sends that cookie
with a handshake that any page opens, so one signed in by the cookie must come from this server's own
page (its ``Origin``): another site's is refused (4403) and audited (cross-site WebSocket hijacking).
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from kuzet.adapters.bus import codec
from kuzet.adapters.security import InvalidTokenError
from kuzet.api.session import SESSION_COOKIE, same_origin
from kuzet.bootstrap import Kuzet
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.model import Permission, User
from kuzet.services.context import Actor
from kuzet.services.operations.live_feed import Watcher

router = APIRouter(tags=["feed"])
FEED_PATH = "/api/feed"
FEED_PERMISSION = Permission.FEED_READ
UNAUTHORIZED, FORBIDDEN = 4401, 4403


def _user_for(kuzet: Kuzet, token: str) -> User | None:
    try:
        claims = kuzet.tokens.read(token)
    except InvalidTokenError:
        return None
    with kuzet.uow() as uow:
        user = uow.users.get(claims.username)
    return user if user is not None and user.active else None


def _watcher(kuzet: Kuzet, user: User) -> Watcher:
    allowed = None
    if user.tenant_id is not None:
        with kuzet.uow() as uow:
            tenant = uow.tenants.get(user.tenant_id)
        allowed = tenant.allowed_categories if tenant else frozenset()
    return Watcher(permissions=user.permissions, tenant_id=user.tenant_id, allowed_categories=allowed)


@router.websocket(FEED_PATH)
async def live_feed(websocket: WebSocket) -> None:
    kuzet: Kuzet = websocket.app.state.kuzet
    header = websocket.headers.get("authorization", "")
    bearer = websocket.query_params.get("token") or header.removeprefix("Bearer ").strip()
    token = bearer or websocket.cookies.get(SESSION_COOKIE, "")
    user = await run_in_threadpool(_user_for, kuzet, token) if token else None
    if user is None:
        await websocket.close(code=UNAUTHORIZED, reason="sign in first")
        return
    client = websocket.client.host if websocket.client else "unknown"
    actor = Actor(user.username, user.tenant_id, source=client)
    if not bearer and not same_origin(websocket.headers):
        entry = actor.audit("view_live_feed", FEED_PATH, AuditOutcome.DENIED, why="cross-origin")
        await run_in_threadpool(kuzet.audit.record, entry)
        await websocket.close(code=FORBIDDEN, reason="open the feed from this server's own pages")
        return
    allowed = user.can(FEED_PERMISSION)
    outcome = AuditOutcome.ALLOWED if allowed else AuditOutcome.DENIED
    await run_in_threadpool(kuzet.audit.record, actor.audit("view_live_feed", FEED_PATH, outcome))
    if not allowed:
        await websocket.close(code=FORBIDDEN, reason=f"your role lacks {FEED_PERMISSION.value!r}")
        return
    await websocket.accept()
    watcher = await run_in_threadpool(_watcher, kuzet, user)
    stop = kuzet.operations.live_feed.watch(watcher)
    receiver = asyncio.create_task(_until_closed(websocket))
    try:
        while not receiver.done():
            getter = asyncio.create_task(watcher.queue.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            await websocket.send_text(codec.encode(getter.result()).decode())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        stop()
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await receiver


async def _until_closed(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive_text()
