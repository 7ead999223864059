"""Escalating by hand, a thousand open alerts in one read, fuller feed events and closed sets as enums."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import utc_now
from kuzet.domain.offenses import Priority
from kuzet.domain.operations.alerts import Alert
from kuzet.domain.operations.units import PatrolUnit, UnitKind, UnitStatus
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor

from .conftest import AUTH
from .test_operations_api import raise_alert, token


def only_alert(client: TestClient, headers: AUTH) -> dict[str, Any]:
    (alert,) = client.get("/api/alerts", headers=headers).json()
    assert isinstance(alert, dict)
    return alert


def test_an_operator_escalates_an_alert_with_a_reason(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    raise_alert(kuzet, "fight", "street-1")
    operator = auth(Role.OPERATOR)
    alert = only_alert(client, operator)
    path = f"/api/alerts/{alert['id']}/escalate"
    response = client.post(path, json={"version": 1, "reason": "a knife is out"}, headers=operator)
    assert response.status_code == 200, response.text
    up = response.json()
    assert (up["status"], up["version"]) == ("escalated", 2)
    assert up["escalated_at"] is not None
    again = client.post(path, json={"version": 2, "reason": "still bad"}, headers=operator)
    assert again.status_code == 409
    assert "is escalated, not open or acknowledged" in again.json()["detail"]
    stale = client.post(path, json={"version": 1, "reason": "still bad"}, headers=operator)
    assert stale.status_code == 409
    audit = client.get("/api/audit", headers=auth(Role.ADMIN)).json()
    done = [e for e in audit if e["action"] == "escalate_alert" and e["outcome"] == "allowed"]
    (entry,) = done
    assert (entry["actor"], entry["target"], entry["reason"]) == (
        "operator",
        f"alert:{alert['id']}",
        "a knife is out",
    )
    # The supervisor takes it over as before.
    taken = client.post(
        f"/api/alerts/{alert['id']}/acknowledge", json={"version": 2}, headers=auth(Role.SUPERVISOR)
    )
    assert taken.json()["status"] == "acknowledged"


def test_escalating_needs_a_reason_and_the_right_to_handle_alerts(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    raise_alert(kuzet, "loitering", "shop-1")
    alert = only_alert(client, auth(Role.OPERATOR))
    path = f"/api/alerts/{alert['id']}/escalate"
    for body in ({"version": 1}, {"version": 1, "reason": "no"}, {"version": 0, "reason": "armed man"}):
        assert client.post(path, json=body, headers=auth(Role.OPERATOR)).status_code == 422, body
    blank = client.post(path, json={"version": 1, "reason": "   "}, headers=auth(Role.OPERATOR))
    assert blank.status_code == 409  # as for dismiss: the handler refuses a reason of spaces
    body = {"version": 1, "reason": "armed man"}
    assert client.post(path, json=body, headers=auth(Role.ANALYST)).status_code == 403
    assert client.post(path, json=body, headers=auth(Role.TENANT_VIEWER)).status_code == 403
    unknown = client.post("/api/alerts/al-nothing/escalate", json=body, headers=auth(Role.OPERATOR))
    assert unknown.status_code == 404
    assert only_alert(client, auth(Role.OPERATOR))["status"] == "open"


def test_a_thousand_open_alerts_come_back_in_one_read(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    start = utc_now() - timedelta(hours=1)
    with kuzet.uow() as uow:
        for i in range(1_200):
            at = start + timedelta(seconds=i)
            uow.alerts.add(Alert(f"al-{i:04d}", "fight", Priority.HIGH, at, at, camera_id="street-1"))
        uow.commit()
    operator = auth(Role.OPERATOR)
    alerts = client.get("/api/alerts", params={"limit": 2_000}, headers=operator).json()
    assert len(alerts) == 1_200
    assert alerts[0]["id"] == "al-1199"  # newest first, as before
    assert len(client.get("/api/alerts", headers=operator).json()) == 100  # the default is unchanged
    assert client.get("/api/alerts", params={"limit": 2_001}, headers=operator).status_code == 422


def test_feed_events_carry_the_alerts_new_version_and_status(client: TestClient, kuzet: Kuzet) -> None:
    staff = token(client, "operator")
    headers = {"Authorization": f"Bearer {staff}"}
    with client.websocket_connect(f"/api/feed?token={staff}") as ws:
        deadline = time.monotonic() + 5
        while kuzet.operations.live_feed.watcher_count < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        raise_alert(kuzet, "fight", "street-1")
        raised = ws.receive_json()
        alert_id = raised["data"]["alert_id"]
        client.post(f"/api/alerts/{alert_id}/acknowledge", json={"version": 1}, headers=headers)
        acked = ws.receive_json()
        client.post(
            f"/api/alerts/{alert_id}/escalate", json={"version": 2, "reason": "armed"}, headers=headers
        )
        escalated = ws.receive_json()
        created = client.post(
            "/api/incidents", json={"code": "fight", "alert_ids": [alert_id]}, headers=headers
        )
        opened = ws.receive_json()
    assert raised["type"] == "AlertRaised"
    assert {k: raised["data"][k] for k in ("version", "status", "count", "camera_id", "priority")} == {
        "version": 1,
        "status": "open",
        "count": 1,
        "camera_id": "street-1",
        "priority": 2,
    }
    assert raised["data"]["first_at"] is not None
    assert (acked["type"], acked["data"]["version"], acked["data"]["status"]) == (
        "AlertAcknowledged",
        2,
        "acknowledged",
    )
    assert escalated["type"] == "AlertEscalated"
    assert {k: escalated["data"][k] for k in ("version", "status", "by", "reason")} == {
        "version": 3,
        "status": "escalated",
        "by": "operator",
        "reason": "armed",
    }
    assert opened["type"] == "IncidentOpened"
    assert (opened["data"]["incident_id"], opened["data"]["alert_ids"]) == (created.json()["id"], [alert_id])


def test_closed_sets_are_enums_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]

    def enum_of(schema: str, prop: str) -> list[Any]:
        node = schemas[schema]["properties"][prop]
        node = next((n for n in node.get("anyOf", [node]) if n.get("type") != "null"), node)
        if "$ref" in node:
            node = schemas[node["$ref"].rsplit("/", 1)[-1]]
        if node.get("type") == "array":
            return enum_of_items(node["items"])
        assert "enum" in node, f"{schema}.{prop} is not an enum: {node}"
        return list(node["enum"])

    def enum_of_items(node: dict[str, Any]) -> list[Any]:
        return list(schemas[node["$ref"].rsplit("/", 1)[-1]]["enum"]) if "$ref" in node else node["enum"]

    assert set(enum_of("AlertPublic", "status")) == {
        "open",
        "acknowledged",
        "escalated",
        "in_incident",
        "dismissed",
    }
    assert enum_of("AlertPublic", "priority") == [1, 2, 3, 4, 5]
    assert set(enum_of("UnitPublic", "status")) == {"available", "dispatched", "busy", "off_duty"}
    assert "patrol_car" in enum_of("UnitPublic", "kind")
    assert "tenant_viewer" in enum_of("SessionPublic", "role")
    assert "alerts:write" in enum_of("SessionPublic", "permissions")
    assert "resolved" in enum_of("IncidentPublic", "state")
    assert enum_of("IncidentPublic", "priority") == [1, 2, 3, 4, 5]
    assert enum_of("IncidentPublic", "closure_code")
    assert "foot_patrol" in enum_of("RecommendationPublic", "kind")
    assert set(enum_of("AuditRecordPublic", "outcome")) >= {"allowed", "denied", "failed"}
    escalate = document["paths"]["/api/alerts/{alert_id}/escalate"]["post"]
    assert escalate["responses"]["200"]["links"]["AcknowledgeAlert"]


def test_a_recommendation_carries_the_road_route_it_was_timed_on(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    here, there = GeoPoint(43.2500, 76.9300), GeoPoint(43.2440, 76.9400)
    unit = PatrolUnit("unit-1", "A-1", UnitKind.PATROL_CAR, "almaly", UnitStatus.AVAILABLE, there)
    kuzet.messagebus.handle(ImportSite(units=(unit,)), Actor("cli:test"))
    operator = auth(Role.OPERATOR)
    body = {"code": "fight", "lat": here.lat, "lon": here.lon}
    incident = client.post("/api/incidents", json=body, headers=operator).json()
    response = client.get(f"/api/incidents/{incident['id']}/recommendations", headers=operator)
    assert response.status_code == 200, response.text
    (recommended,) = response.json()
    route = recommended["route"]
    assert (recommended["unit_id"], recommended["kind"]) == ("unit-1", "patrol_car")
    assert route[0] == [there.lon, there.lat]
    assert route[-1] == [here.lon, here.lat]
    assert len(route) >= 3  # through the road network, not a straight line
    road_m = sum(GeoPoint(a[1], a[0]).distance_m(GeoPoint(b[1], b[0])) for a, b in itertools.pairwise(route))
    assert road_m >= recommended["straight_m"]
