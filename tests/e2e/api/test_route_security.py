"""Every route declares a permission (health, metrics and sign-in aside) and refuses strangers."""

from __future__ import annotations

import re

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kuzet.api.app import PUBLIC_ROUTES, ROUTERS, create_app
from kuzet.api.deps import Authorize
from kuzet.bootstrap import Kuzet


def permissions_of(dependant: Dependant) -> list[str]:
    found = [dep.call.permission.value for dep in dependant.dependencies if isinstance(dep.call, Authorize)]
    for dep in dependant.dependencies:
        found += permissions_of(dep)
    return found


def api_routes(kuzet: Kuzet) -> list[APIRoute]:
    """Every route the app serves, taken from the routers it includes (checked against its OpenAPI)."""
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    served = set(create_app(kuzet).openapi()["paths"])
    assert served == {r.path for r in routes}, "a route is served that is not in api.app.ROUTERS"
    return routes


def test_every_route_declares_exactly_one_permission(kuzet: Kuzet) -> None:
    routes = api_routes(kuzet)
    assert len(routes) >= 12
    missing = [
        f"{sorted(r.methods or ())} {r.path}"
        for r in routes
        if r.path not in PUBLIC_ROUTES and len(permissions_of(r.dependant)) != 1
    ]
    assert missing == [], f"routes without exactly one declared permission: {missing}"
    assert {"/api/health", "/api/metrics", "/api/auth/login", "/api/auth/session"} == PUBLIC_ROUTES


def test_every_protected_route_answers_401_without_a_token(kuzet: Kuzet, client: TestClient) -> None:
    for route in api_routes(kuzet):
        if route.path in PUBLIC_ROUTES:
            continue
        path = re.sub(r"\{[^}]+\}", "street-1", route.path)
        for method in route.methods or ():
            response = client.request(method, path)
            assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_and_garbage_tokens_are_refused(client: TestClient) -> None:
    import jwt

    forged = jwt.encode(
        {"sub": "admin", "role": "admin", "iss": "kuzet", "exp": 4_000_000_000, "iat": 0},
        "not-the-server-key-but-long-enough-for-hs256",
        algorithm="HS256",
    )
    for token in (forged, "garbage", ""):
        response = client.get("/api/cameras", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_health_and_metrics_need_no_token(client: TestClient) -> None:
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["database"] == "ok"
    client.get("/api/cameras")
    metrics = client.get("/api/metrics").text
    assert 'kuzet_http_requests_total{method="GET",route="/api/cameras",status="401"}' in metrics
    assert health.headers["X-Content-Type-Options"] == "nosniff"
