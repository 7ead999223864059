"""Camera health and the fleet over HTTP: who is down, uptime, lifecycle moves, maintenance tickets."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from kuzet.bootstrap import Kuzet
from kuzet.domain.fleet.health import HealthChange, HealthCondition
from kuzet.domain.fleet.messages import OpenOverdueMaintenanceTickets, RecordCameraHealth
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor

AUTH = dict[str, str]
SYSTEM = Actor("system:test")


def down(kuzet: Kuzet, camera_id: str, minutes_ago: float, condition: HealthCondition, detail: str) -> None:
    since = utc_now() - timedelta(minutes=minutes_ago)
    command = RecordCameraHealth(
        camera_id=camera_id, condition=condition, previous=HealthCondition.OK, since=since, detail=detail
    )
    kuzet.messagebus.handle(command, SYSTEM)


def test_cameras_down_now_are_tenant_scoped(
    kuzet: Kuzet, client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    down(kuzet, "street-1", 90, HealthCondition.OFFLINE, "connection refused")
    down(kuzet, "shop-1", 20, HealthCondition.COVERED, "lens covered")
    staff = client.get("/api/cameras/health/down", headers=auth(Role.OPERATOR))
    assert staff.status_code == 200, staff.text
    rows = staff.json()
    assert [(r["camera_id"], r["condition"], r["detail"]) for r in rows] == [
        ("street-1", "offline", "connection refused"),
        ("shop-1", "covered", "lens covered"),
    ]
    assert rows[0]["down_for_s"] >= 90 * 60 - 5
    tenant = client.get("/api/cameras/health/down", headers=auth(Role.TENANT_VIEWER)).json()
    assert [r["camera_id"] for r in tenant] == ["shop-1"]
    alerts = client.get("/api/alerts", headers=auth(Role.TENANT_VIEWER)).json()
    assert [a["code"] for a in alerts] == ["camera_covered"]
    fleet = client.get("/api/fleet/devices", headers=auth(Role.OPERATOR)).json()
    assert {d["camera_id"]: d["state"] for d in fleet} == {
        "street-1": "fault",
        "shop-1": "fault",
        "school-1": "in_service",
    }
    assert client.get("/api/fleet/devices", headers=auth(Role.TENANT_VIEWER)).status_code == 403


def test_uptime_per_camera_and_district_is_tenant_scoped(
    kuzet: Kuzet, client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    end = utc_now()
    down(kuzet, "shop-1", 30, HealthCondition.FROZEN, "unchanged")
    params = {"start": (end - timedelta(hours=2)).isoformat(), "end": end.isoformat()}
    staff = client.get("/api/cameras/health/uptime", params=params, headers=auth(Role.ANALYST))
    assert staff.status_code == 200, staff.text
    shares = {c["id"]: c["uptime"] for c in staff.json()["cameras"]}
    assert shares["street-1"] == 1.0
    assert abs(shares["shop-1"] - 0.75) < 0.01
    [almaly] = staff.json()["districts"]
    assert almaly["id"] == "almaly"
    assert abs(almaly["uptime"] - (1 - 0.25 / 3)) < 0.01
    tenant = client.get("/api/cameras/health/uptime", params=params, headers=auth(Role.TENANT_VIEWER)).json()
    assert [c["id"] for c in tenant["cameras"]] == ["shop-1"]
    assert abs(tenant["districts"][0]["uptime"] - 0.75) < 0.01
    bad = client.get(
        "/api/cameras/health/uptime",
        params={"start": params["end"], "end": params["start"]},
        headers=auth(Role.ANALYST),
    )
    assert bad.status_code == 422


def test_lifecycle_moves_are_checked_and_named(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    supervisor = auth(Role.SUPERVISOR)
    url = "/api/fleet/devices/street-1/state"
    illegal = client.post(url, json={"state": "installed"}, headers=supervisor)
    assert illegal.status_code == 409
    assert "allowed: decommissioned, fault, planned_outage, under_repair" in illegal.json()["detail"]
    no_disposition = client.post(
        url, json={"state": "decommissioned", "reason": "worn out"}, headers=supervisor
    )
    assert no_disposition.status_code == 409
    assert "disposition" in no_disposition.json()["detail"]
    assert client.post(url, json={"state": "under_repair"}, headers=auth(Role.OPERATOR)).status_code == 403
    until = (utc_now() + timedelta(days=1)).isoformat()
    body = {"state": "planned_outage", "reason": "road works", "expected_end": until, "version": 0}
    moved = client.post(url, json=body, headers=supervisor)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["state"], moved.json()["version"]) == ("planned_outage", 1)
    stale = client.post(url, json={"state": "in_service", "version": 0}, headers=supervisor)
    assert stale.status_code == 409
    gone = {"state": "decommissioned", "reason": "worn out", "disposition": "recycled"}
    assert client.post(url, json=gone, headers=supervisor).status_code == 200
    final = client.post(url, json={"state": "in_service"}, headers=supervisor)
    assert final.status_code == 409
    assert "none (final state)" in final.json()["detail"]
    history = client.get("/api/fleet/devices/street-1/history", headers=auth(Role.ANALYST)).json()
    assert [h["state"] for h in history] == ["planned_outage", "decommissioned"]
    assert client.post("/api/fleet/devices/nope/state", json=gone, headers=supervisor).status_code == 404


def test_maintenance_tickets_are_listed_and_closed_with_a_resolution(
    kuzet: Kuzet, client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    down(kuzet, "street-1", 45, HealthCondition.OFFLINE, "no frames")
    kuzet.messagebus.handle(OpenOverdueMaintenanceTickets(now=utc_now()), SYSTEM)
    [ticket] = client.get("/api/fleet/tickets", headers=auth(Role.OPERATOR)).json()
    assert (ticket["camera_id"], ticket["status"], ticket["reason"]) == (
        "street-1",
        "open",
        "offline: no frames",
    )
    close = f"/api/fleet/tickets/{ticket['id']}/close"
    assert client.post(close, json={"resolution": "new PSU"}, headers=auth(Role.OPERATOR)).status_code == 403
    closed = client.post(close, json={"resolution": "new PSU"}, headers=auth(Role.SUPERVISOR))
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["resolution"]) == ("closed", "new PSU")
    again = client.post(close, json={"resolution": "new PSU"}, headers=auth(Role.SUPERVISOR))
    assert again.status_code == 409
    assert client.get("/api/fleet/tickets", headers=auth(Role.OPERATOR)).json() == []
    every = client.get("/api/fleet/tickets", params={"open_only": False}, headers=auth(Role.OPERATOR)).json()
    assert [t["resolution"] for t in every] == ["new PSU"]


def test_health_changes_from_the_bus_are_stored_by_the_serving_process(
    kuzet: Kuzet, client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    change = HealthChange(
        "school-1", HealthCondition.TOO_DARK, HealthCondition.OK, utc_now().timestamp(), "dark"
    )
    client.portal.call(kuzet.bus.publish, change.to_event())  # type: ignore[union-attr]
    deadline = time.monotonic() + 5
    rows: list[dict[str, object]] = []
    while not rows and time.monotonic() < deadline:
        rows = client.get("/api/cameras/health/down", headers=auth(Role.OPERATOR)).json()
        time.sleep(0.05)
    assert [(r["camera_id"], r["condition"]) for r in rows] == [("school-1", "too_dark")]
