"""Browser sessions: the token in an HttpOnly cookie, CSRF on changes, sliding renewal, the feed by cookie."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from kuzet.adapters.security import TokenIssuer
from kuzet.adapters.store import migrate
from kuzet.api.app import create_app
from kuzet.api.session import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.model import Role

from .conftest import AUTH, PASSWORD, seed_site, sign_in
from .test_alert_snapshots_api import alert_of, hit_on
from .test_operations_api import raise_alert

SHIFT_NOTE = {"kind": "note", "text": "quiet on Abay"}
OWN_ORIGIN = {"origin": "http://testserver"}


def start_session(client: TestClient, username: str = "operator", **headers: str) -> httpx2.Response:
    return client.post(
        "/api/auth/session", data={"username": username, "password": PASSWORD}, headers=headers
    )


def set_cookies(response: httpx2.Response) -> dict[str, dict[str, str | bool]]:
    """Each cookie the response sets, with its attributes (flags as True)."""
    found: dict[str, dict[str, str | bool]] = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            attributes: dict[str, str | bool] = {k: v for k, v in morsel.items() if v}
            found[name] = {"value": morsel.value, **attributes}
    return found


def csrf(client: TestClient) -> dict[str, str]:
    return {CSRF_HEADER: client.cookies[CSRF_COOKIE]}


def test_a_session_puts_the_token_in_an_httponly_cookie_and_me_answers_from_it(
    client: TestClient, kuzet: Kuzet
) -> None:
    response = start_session(client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["username"] == "operator"
    assert body["role"] == "operator"
    assert body["tenant_id"] is None
    assert "alerts:write" in body["permissions"]
    assert "users:write" not in body["permissions"]
    assert "access_token" not in body, "page scripts never see the token"
    cookies = set_cookies(response)
    session, token_csrf = cookies[SESSION_COOKIE], cookies[CSRF_COOKIE]
    assert session["httponly"] is True
    assert (str(session["samesite"]).lower(), session["path"], session["max-age"]) == ("strict", "/", "900")
    assert "secure" not in session, "plain http is allowed in development mode"
    assert "httponly" not in token_csrf, "the console's script reads the CSRF token"
    assert (str(token_csrf["samesite"]).lower(), token_csrf["path"]) == ("strict", "/")
    assert kuzet.tokens.read(str(session["value"])).username == "operator"

    me = client.get("/api/auth/me")  # no Authorization header: the cookie signs it in
    assert me.status_code == 200, me.text
    assert me.json() == body
    record = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (record.action, record.outcome) == ("sign_in", AuditOutcome.ALLOWED)


def test_a_session_signs_in_with_the_same_throttle_as_the_token(client: TestClient) -> None:
    for _ in range(5):
        refused = client.post("/api/auth/session", data={"username": "analyst", "password": "guess-guess"})
        assert refused.status_code == 401
        assert SESSION_COOKIE not in client.cookies
    locked = start_session(client, "analyst")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_a_sign_in_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    refused = start_session(client, origin="https://evil.example")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "errors"}
    assert "set-cookie" not in refused.headers
    assert start_session(client, **OWN_ORIGIN).status_code == 200


def test_a_change_by_cookie_needs_the_csrf_header(client: TestClient, kuzet: Kuzet) -> None:
    start_session(client)
    missing = client.post("/api/shift", json=SHIFT_NOTE)
    assert missing.status_code == 403
    assert missing.json()["errors"] == []
    assert CSRF_HEADER in missing.json()["detail"]
    refusal = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (refusal.action, refusal.target, refusal.outcome) == (
        "use_session",
        "POST /api/shift",
        AuditOutcome.DENIED,
    )
    wrong = client.post("/api/shift", json=SHIFT_NOTE, headers={CSRF_HEADER: "x" + csrf(client)[CSRF_HEADER]})
    assert wrong.status_code == 403
    accepted = client.post("/api/shift", json=SHIFT_NOTE, headers=csrf(client))
    assert accepted.status_code == 201, accepted.text
    assert client.get("/api/shift").status_code == 200, "a read needs no CSRF header"


def test_a_csrf_token_is_good_only_for_the_user_it_was_issued_to(client: TestClient) -> None:
    start_session(client, "supervisor")
    supervisors = client.cookies[CSRF_COOKIE]
    start_session(client, "operator")
    operators = client.cookies[SESSION_COOKIE]
    # An attacker who can plant cookies (a sibling host) plants a pair that matches: still refused.
    planted = {"Cookie": f"{SESSION_COOKIE}={operators}; {CSRF_COOKIE}={supervisors}"}
    refused = client.post("/api/shift", json=SHIFT_NOTE, headers=planted | {CSRF_HEADER: supervisors})
    assert refused.status_code == 403
    own = {"Cookie": f"{SESSION_COOKIE}={operators}; {CSRF_COOKIE}={client.cookies[CSRF_COOKIE]}"}
    assert client.post("/api/shift", json=SHIFT_NOTE, headers=own | csrf(client)).status_code == 201


def test_bearer_tokens_work_as_before_and_need_no_csrf_header(
    client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    operator = auth(Role.OPERATOR)
    assert client.post("/api/shift", json=SHIFT_NOTE, headers=operator).status_code == 201
    start_session(client, "admin")  # a cookie of another user in the same client: the bearer wins
    mine = client.get("/api/auth/me", headers=operator).json()
    assert mine["username"] == "operator"
    assert client.post("/api/shift", json=SHIFT_NOTE, headers=operator).status_code == 201


def test_logout_clears_both_cookies_and_is_audited(client: TestClient, kuzet: Kuzet) -> None:
    start_session(client)
    assert client.post("/api/auth/logout").status_code == 403, "signing out by cookie is a change too"
    response = client.post("/api/auth/logout", headers=csrf(client))
    assert response.status_code == 204
    cleared = set_cookies(response)
    assert cleared[SESSION_COOKIE]["max-age"] == cleared[CSRF_COOKIE]["max-age"] == "0"
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/api/auth/me").status_code == 401
    record = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (record.action, record.outcome) == ("sign_out", AuditOutcome.ALLOWED)


@pytest.fixture
def short_client(kuzet: Kuzet) -> Iterator[TestClient]:
    """The API with access tokens that live 3 s."""
    seed_site(kuzet)
    short = dataclasses.replace(kuzet, tokens=TokenIssuer(kuzet.settings.secret_key, timedelta(seconds=3)))
    with TestClient(create_app(short, relay_interval_s=0.05)) as test_client:
        yield test_client


def test_a_working_session_slides_and_an_idle_one_ends(short_client: TestClient) -> None:
    client = short_client
    start = time.monotonic()
    start_session(client)
    first = client.cookies[SESSION_COOKIE]
    fresh = client.get("/api/auth/me")
    assert "set-cookie" not in fresh.headers, "no renewal in the first half of the token's life"

    time.sleep(max(0.0, start + 1.7 - time.monotonic()))  # past half of 3 s
    renewed = client.get("/api/auth/me")
    assert renewed.status_code == 200
    cookies = set_cookies(renewed)
    assert cookies[SESSION_COOKIE]["value"] != first
    assert cookies[SESSION_COOKIE]["httponly"] is True
    assert cookies[CSRF_COOKIE]["value"] == client.cookies[CSRF_COOKIE], "the CSRF token is kept"

    time.sleep(max(0.0, start + 3.3 - time.monotonic()))  # the first token has expired by now
    assert client.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={first}"}).status_code == 401
    assert client.get("/api/auth/me").status_code == 200, "the renewed cookie keeps the operator in"
    assert client.post("/api/shift", json=SHIFT_NOTE, headers=csrf(client)).status_code == 201

    time.sleep(3.2)  # idle for a whole lifetime
    assert client.get("/api/auth/me").status_code == 401


@pytest.fixture
def production_client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        mode="production",
        secret_key="a production secret of forty characters!",
        database_url=sqlite_url,
        bus_url="memory://",
        archive_path=tmp_path / "archive",
        _env_file=None,
    )
    kuzet = bootstrap(settings)
    try:
        migrate.upgrade(kuzet.engine)
        seed_site(kuzet)
        with TestClient(create_app(kuzet), base_url="https://testserver") as test_client:
            yield test_client
    finally:
        kuzet.dispose()


def test_outside_development_mode_the_cookies_are_secure(production_client: TestClient) -> None:
    response = start_session(production_client)
    assert response.status_code == 200
    cookies = set_cookies(response)
    assert cookies[SESSION_COOKIE]["secure"] is True
    assert cookies[CSRF_COOKIE]["secure"] is True
    assert production_client.get("/api/auth/me").status_code == 200


def test_the_live_feed_takes_the_session_cookie_from_the_servers_own_page(
    client: TestClient, kuzet: Kuzet
) -> None:
    start_session(client)
    with client.websocket_connect("/api/feed", headers=OWN_ORIGIN) as ws:
        deadline = time.monotonic() + 5
        while kuzet.operations.live_feed.watcher_count < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        raise_alert(kuzet, "fight", "street-1")
        event = ws.receive_json()
    assert (event["type"], event["data"]["code"]) == ("AlertRaised", "fight")


@pytest.mark.parametrize("origin", [{"origin": "https://evil.example"}, {}])
def test_the_live_feed_refuses_a_cookie_handshake_from_another_site(
    client: TestClient, kuzet: Kuzet, origin: dict[str, str]
) -> None:
    start_session(client)
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/api/feed", headers=origin):
        pass
    assert refused.value.code == 4403
    record = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (record.action, record.outcome) == ("view_live_feed", AuditOutcome.DENIED)
    assert record.details["why"] == "cross-origin"
    token = sign_in(client, "operator")["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/feed?token={token}", headers=origin):
        pass  # a token is no ambient credential: no Origin needed


def test_an_img_of_a_snapshot_is_signed_in_by_the_cookie_and_audited(
    client: TestClient, kuzet: Kuzet, tmp_path: Path
) -> None:
    from kuzet.ingest.hits import HitRecorder

    HitRecorder(kuzet)(hit_on("street-1", tmp_path))
    start_session(client)
    alert = alert_of(client, {}, "street-1")
    response = client.get(str(alert["snapshot_url"]))  # what <img src> sends: the cookie, no header
    assert response.status_code == 200
    assert response.content[:3] == b"\xff\xd8\xff"
    viewed = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (viewed.action, viewed.target) == ("view_alert_snapshot", f"alert_id:{alert['id']}")


def test_signing_out_past_half_life_gets_no_fresh_cookie(short_client: TestClient) -> None:
    start_session(short_client)
    time.sleep(1.7)
    response = short_client.post("/api/auth/logout", headers=csrf(short_client))
    assert response.status_code == 204
    assert [c.split("=", 1)[0] for c in response.headers.get_list("set-cookie")] == [
        SESSION_COOKIE,
        CSRF_COOKIE,
    ]
    assert short_client.get("/api/auth/me").status_code == 401
