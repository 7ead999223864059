"""Operations over the API: alerts, incidents, calls, and the live feed filtered per tenant."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from kuzet.bootstrap import Kuzet
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.alerts import Observation
from kuzet.domain.operations.messages import RaiseAlert
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor

from .conftest import AUTH, PASSWORD

SYSTEM = Actor("system:test")


def raise_alert(kuzet: Kuzet, code: str, camera: str, track: int = 1) -> None:
    kuzet.messagebus.handle(
        RaiseAlert(observation=Observation(code, utc_now(), camera_id=camera, track_id=track)), SYSTEM
    )


def token(client: TestClient, username: str) -> str:
    response = client.post("/api/auth/login", data={"username": username, "password": PASSWORD})
    return str(response.json()["access_token"])


def receive_types(ws: Any, count: int) -> list[dict[str, Any]]:
    return [ws.receive_json() for _ in range(count)]


def test_operator_acknowledges_and_the_second_gets_409(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    raise_alert(kuzet, "fight", "street-1")
    operator = auth(Role.OPERATOR)
    (alert,) = client.get("/api/alerts", headers=operator).json()
    assert (alert["code"], alert["priority"], alert["status"]) == ("fight", 2, "open")
    first = client.post(f"/api/alerts/{alert['id']}/acknowledge", json={"version": 1}, headers=operator)
    assert first.status_code == 200
    assert first.json()["acknowledged_by"] == "operator"
    second = client.post(
        f"/api/alerts/{alert['id']}/acknowledge", json={"version": 1}, headers=auth(Role.SUPERVISOR)
    )
    assert second.status_code == 409
    assert "changed since you loaded it" in second.json()["detail"]


def test_incident_from_an_alert_dispatch_and_illegal_jump(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    raise_alert(kuzet, "fight", "street-1")
    operator = auth(Role.OPERATOR)
    (alert,) = client.get("/api/alerts", headers=operator).json()
    created = client.post(
        "/api/incidents",
        json={"code": "fight", "summary": "two men fighting", "alert_ids": [alert["id"]]},
        headers=operator,
    )
    assert created.status_code == 201, created.text
    incident = created.json()
    jump = client.post(
        f"/api/incidents/{incident['id']}/state", json={"to": "closed", "version": 1}, headers=operator
    )
    assert jump.status_code == 409
    assert "cannot go from new to closed" in jump.json()["detail"]
    note = client.post(
        f"/api/incidents/{incident['id']}/notes", json={"text": "caller says two men"}, headers=operator
    )
    assert note.status_code == 201
    detail = client.get(f"/api/incidents/{incident['id']}", headers=operator).json()
    assert [n["text"] for n in detail["notes"]] == ["caller says two men"]


def test_citizen_call_opens_an_incident_with_nearest_cameras(
    client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    body = {
        "caller_name": "Dana",
        "caller_phone": "+7 701 123 4567",
        "category": "bag_snatch",
        "lat": 43.2501,
        "lon": 76.9301,
        "address": "Abay Ave 1",
        "description": "bag snatched, ran east",
    }
    response = client.post("/api/calls", json=body, headers=auth(Role.OPERATOR))
    assert response.status_code == 201, response.text
    taken = response.json()
    assert taken["incident"]["code"] == "bag_snatch"
    assert set(taken["nearest_camera_ids"]) == {"street-1", "shop-1", "school-1"}
    bad = client.post(
        "/api/calls", json=body | {"caller_phone": "call me maybe"}, headers=auth(Role.OPERATOR)
    )
    assert bad.status_code == 422


def test_tenant_viewer_cannot_reach_operations(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    viewer = auth(Role.TENANT_VIEWER)
    assert client.get("/api/incidents", headers=viewer).status_code == 403
    assert client.post("/api/calls", json={}, headers=viewer).status_code == 403


def test_the_live_feed_is_filtered_by_tenant_and_agreement(client: TestClient, kuzet: Kuzet) -> None:
    staff, shop = token(client, "operator"), token(client, "tenant-viewer")
    with (
        client.websocket_connect(f"/api/feed?token={staff}") as staff_ws,
        client.websocket_connect(f"/api/feed?token={shop}") as shop_ws,
    ):
        deadline = time.monotonic() + 5
        while kuzet.operations.live_feed.watcher_count < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        raise_alert(kuzet, "fight", "street-1")  # the city's camera: staff only
        raise_alert(kuzet, "loitering", "shop-1", track=2)  # the shop's own camera, public order: both
        raise_alert(
            kuzet, "camera_covered", "shop-1", track=3
        )  # the shop's camera, but a category it may not see
        staff_events = receive_types(staff_ws, 3)
        shop_events = receive_types(shop_ws, 1)
    assert [e["data"]["code"] for e in staff_events] == ["fight", "loitering", "camera_covered"]
    assert [(e["type"], e["data"]["code"], e["data"]["camera_id"]) for e in shop_events] == [
        ("AlertRaised", "loitering", "shop-1")
    ]


def test_the_live_feed_refuses_strangers(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/api/feed?token=forged"):
        pass
    assert refused.value.code == 4401


def test_the_shift_log_shows_the_operators_own_shift(
    client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    operator = auth(Role.OPERATOR)
    assert (
        client.post("/api/shift", json={"kind": "start", "text": "night shift"}, headers=operator).status_code
        == 201
    )
    client.get("/api/cameras", headers=operator)
    client.post("/api/shift", json={"text": "handed over the Abay fight to day shift"}, headers=operator)
    log = client.get("/api/shift", headers=operator).json()
    # the look at the log is itself audited, so it is the newest entry
    assert [e["action"] for e in log] == ["view_shift_log", "shift_note", "view_cameras", "shift_start"]
    assert log[1]["text"] == "handed over the Abay fight to day shift"
    assert client.get("/api/shift", headers=auth(Role.TENANT_VIEWER)).status_code == 403
