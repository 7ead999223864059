"""An API on a fresh SQLite database with a small site and one user per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from kuzet.api.app import create_app
from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import Role, Tenant, TenantKind
from kuzet.services.context import Actor

PASSWORD = "correct horse battery"
AUTH = dict[str, str]


def _camera(cid: str, kind: CameraKind, tenant: str | None) -> Camera:
    return Camera(
        id=cid,
        name=cid,
        kind=kind,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id="almaly",
        owner_tenant_id=tenant,
        position=GeoPoint(43.25, 76.93),
    )


def seed_site(kuzet: Kuzet) -> None:
    actor = Actor("cli:test")
    kuzet.messagebus.handle(
        ImportSite(
            districts=(District("almaly", "Almaly", GeoPoint(43.25, 76.93)),),
            tenants=(
                Tenant("magnum-1", "Magnum", TenantKind.SHOP, frozenset({OffenseCategory.PUBLIC_ORDER})),
                Tenant(
                    "school-12", "School 12", TenantKind.SCHOOL, frozenset({OffenseCategory.PUBLIC_ORDER})
                ),
            ),
            cameras=(
                _camera("street-1", CameraKind.STREET, None),
                _camera("shop-1", CameraKind.SHOP, "magnum-1"),
                _camera("school-1", CameraKind.SCHOOL, "school-12"),
            ),
        ),
        actor,
    )
    for role in Role:
        tenant = "magnum-1" if role is Role.TENANT_VIEWER else None
        kuzet.messagebus.handle(
            AddUser(username=role.value.replace("_", "-"), password=PASSWORD, role=role, tenant_id=tenant),
            actor,
        )


@pytest.fixture
def client(kuzet: Kuzet) -> Iterator[TestClient]:
    seed_site(kuzet)
    with TestClient(create_app(kuzet, relay_interval_s=0.05)) as test_client:
        yield test_client


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> AUTH:
    response = client.post("/api/auth/login", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient) -> Callable[[Role], AUTH]:
    def headers(role: Role) -> AUTH:
        return sign_in(client, role.value.replace("_", "-"))

    return headers
