"""Sign-in, throttling, roles and the audit of each."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from kuzet.bootstrap import Kuzet
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.model import Role

from .conftest import AUTH, PASSWORD, sign_in


def test_sign_in_gives_a_short_lived_token_and_me_describes_the_user(client: TestClient) -> None:
    response = client.post("/api/auth/login", data={"username": "operator", "password": PASSWORD})
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me["username"] == "operator"
    assert "cameras:read" in me["permissions"]
    assert "users:write" not in me["permissions"]


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/api/auth/login", data={"username": "operator", "password": "nope-nope-nope"})
    unknown = client.post("/api/auth/login", data={"username": "ghost", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_repeated_failures_lock_the_account_then_audit_says_so(client: TestClient, kuzet: Kuzet) -> None:
    for _ in range(5):
        client.post("/api/auth/login", data={"username": "analyst", "password": "guess-guess-guess"})
    locked = client.post("/api/auth/login", data={"username": "analyst", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    outcomes = [r.entry.outcome for r in kuzet.audit.recent(6, actor="analyst")]
    assert outcomes == [AuditOutcome.DENIED] + [AuditOutcome.FAILED] * 5


def test_sign_in_is_audited_with_the_client_address(client: TestClient, kuzet: Kuzet) -> None:
    sign_in(client, "auditor")
    record = kuzet.audit.recent(1, actor="auditor")[0]
    assert (record.entry.action, record.entry.outcome) == ("sign_in", AuditOutcome.ALLOWED)
    assert record.entry.details["source"] == "testclient"


def test_a_role_without_the_permission_is_refused_and_the_refusal_audited(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    response = client.get("/api/audit", headers=auth(Role.OPERATOR))
    assert response.status_code == 403
    assert "audit:read" in response.json()["detail"]
    record = kuzet.audit.recent(1, actor="operator")[0]
    assert (record.entry.action, record.entry.outcome) == ("view_audit", AuditOutcome.DENIED)


def test_views_are_audited_with_reason_and_case_number(
    client: TestClient, auth: Callable[[Role], AUTH], kuzet: Kuzet
) -> None:
    headers = auth(Role.OPERATOR) | {"X-Kuzet-Reason": "robbery at Abay 10", "X-Kuzet-Case": "KUI-2026-118"}
    assert client.get("/api/cameras/street-1", headers=headers).status_code == 200
    entry = kuzet.audit.recent(1, actor="operator")[0].entry
    assert (entry.action, entry.target) == ("view_cameras", "camera_id:street-1")
    assert (entry.reason, entry.case_number) == ("robbery at Abay 10", "KUI-2026-118")


def test_admin_adds_a_user_who_can_then_sign_in(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    body = {"username": "new-operator", "password": "a long enough one", "role": "operator"}
    created = client.post("/api/users", json=body, headers=auth(Role.ADMIN))
    assert created.status_code == 201
    assert "password" not in created.json()
    sign_in(client, "new-operator", "a long enough one")
    again = client.post("/api/users", json=body, headers=auth(Role.ADMIN))
    assert again.status_code == 409
    weak = client.post(
        "/api/users", json=body | {"username": "weak", "password": "short"}, headers=auth(Role.ADMIN)
    )
    assert weak.status_code == 422


def test_audit_verify_endpoint_reports_an_intact_chain(
    client: TestClient, auth: Callable[[Role], AUTH]
) -> None:
    report = client.get("/api/audit/verify", headers=auth(Role.AUDITOR)).json()
    assert report["intact"] is True
    assert report["records_checked"] == report["records_expected"] > 5
