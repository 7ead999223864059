"""Cameras over the API: tenant scope, writes by role, clear errors for bad input, events on the bus."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import get_args

from fastapi.testclient import TestClient

from kuzet.api.routers.cameras import FixedKind, MobileKind
from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import CameraRegistered
from kuzet.domain.cameras.model import CameraKind
from kuzet.domain.messages import Event
from kuzet.domain.users.model import Role

from .conftest import AUTH

NEW_CAMERA = {
    "id": "ptz-9",
    "name": "Abay/Nazarbayev PTZ",
    "kind": "ptz",
    "purpose": "public_order",
    "district_id": "almaly",
    "lat": 43.2401,
    "lon": 76.9455,
    "heading_deg": 180,
    "stream_url": "rtsp://user:secret@10.0.0.9/main",
}


def test_a_tenant_sees_only_its_own_cameras(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    viewer = auth(Role.TENANT_VIEWER)
    assert [c["id"] for c in client.get("/api/cameras", headers=viewer).json()] == ["shop-1"]
    assert client.get("/api/cameras/street-1", headers=viewer).status_code == 404
    assert client.get("/api/cameras/school-1", headers=viewer).status_code == 404
    staff = client.get("/api/cameras", headers=auth(Role.OPERATOR)).json()
    assert [c["id"] for c in staff] == ["school-1", "shop-1", "street-1"]


def test_a_tenant_sees_only_the_offense_categories_its_agreement_allows(
    client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    tenant = client.get("/api/offenses", headers=auth(Role.TENANT_VIEWER)).json()
    staff = client.get("/api/offenses", headers=auth(Role.OPERATOR)).json()
    assert {o["category"] for o in tenant} == {"public_order"}
    assert len(staff) > len(tenant)
    tenants = client.get("/api/tenants", headers=auth(Role.TENANT_VIEWER)).json()
    assert [t["id"] for t in tenants] == ["magnum-1"]


def test_supervisor_registers_a_camera_and_the_event_reaches_the_bus(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    received: list[Event] = []

    async def collect(event: Event) -> None:
        received.append(event)

    client.portal.call(kuzet.bus.subscribe, "test-consumer", [CameraRegistered], collect)  # type: ignore[union-attr]
    created = client.post("/api/cameras", json=NEW_CAMERA, headers=auth(Role.SUPERVISOR))
    assert created.status_code == 201
    assert "stream_url" not in created.json()  # credentials in stream URLs stay inside
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [e.camera_id for e in received if isinstance(e, CameraRegistered)] == ["ptz-9"]
    assert kuzet.audit.recent(1, actor="supervisor")[0].entry.target == "camera:ptz-9"


def test_operator_may_not_register_cameras(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    assert client.post("/api/cameras", json=NEW_CAMERA, headers=auth(Role.OPERATOR)).status_code == 403


def test_bad_camera_requests_get_clear_errors_and_change_nothing(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    admin = auth(Role.ADMIN)
    cases = [
        (NEW_CAMERA | {"kind": "tram"}, 422, "kind"),
        (NEW_CAMERA | {"heading_deg": 720}, 422, "heading_deg"),
        (NEW_CAMERA | {"lat": None, "lon": None}, 422, "needs a position"),
        (NEW_CAMERA | {"district_id": "atlantis"}, 404, "unknown district 'atlantis'"),
        (NEW_CAMERA | {"id": "street-1"}, 409, "already exists"),
        (NEW_CAMERA | {"id": "../../etc"}, 422, "id"),
        (NEW_CAMERA | {"extra": 1}, 422, "extra"),
    ]
    for body, status, words in cases:
        response = client.post("/api/cameras", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert words in response.text
    failed = kuzet.audit.recent(1, actor="admin")[0].entry
    assert (failed.action, failed.outcome.value) == ("change_cameras", "failed")
    assert len(client.get("/api/cameras", headers=admin).json()) == 3


def test_admin_removes_a_camera(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    admin = auth(Role.ADMIN)
    assert client.delete("/api/cameras/street-1", headers=admin).status_code == 204
    assert client.get("/api/cameras/street-1", headers=admin).status_code == 404
    assert client.delete("/api/cameras/street-1", headers=admin).status_code == 404


def test_the_register_body_splits_the_kinds_as_the_domain_does() -> None:
    fixed, mobile = set(get_args(FixedKind)), set(get_args(MobileKind))
    assert fixed == {k.value for k in CameraKind if not k.is_mobile}
    assert mobile == {k.value for k in CameraKind if k.is_mobile}
