"""The API over an archive in a temporary folder, with the small site and one user per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kuzet.adapters.archive.config import ArchiveConfig
from kuzet.adapters.store import migrate
from kuzet.api.app import create_app
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.cameras.messages import RegisterCamera
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor
from tests.e2e.api.conftest import AUTH, seed_site, sign_in
from tests.unit.archive.media import encode_h264


@pytest.fixture(scope="session")
def camera_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25 s of 25 fps H.264 with a keyframe every second."""
    return encode_h264(tmp_path_factory.mktemp("video") / "camera.mp4", seconds=25)


@pytest.fixture
def archive_kuzet(sqlite_url: str, tmp_path: Path) -> Iterator[Kuzet]:
    settings = load_settings(
        database_url=sqlite_url, bus_url="memory://", archive_path=tmp_path / "archive", _env_file=None
    )
    kuzet = bootstrap(settings, archive=ArchiveConfig(min_free_bytes=0))
    migrate.upgrade(kuzet.engine)
    seed_site(kuzet)
    body_cam = Camera("bc-1", "Body cam 1", CameraKind.BODY_CAM, CameraPurpose.PATROL_EVIDENCE, "almaly")
    kuzet.messagebus.handle(RegisterCamera(camera=body_cam), Actor("cli:test"))
    yield kuzet
    kuzet.dispose()


@pytest.fixture
def api(archive_kuzet: Kuzet) -> Iterator[TestClient]:
    with TestClient(create_app(archive_kuzet, relay_interval_s=0.05)) as test_client:
        yield test_client


@pytest.fixture
def login(api: TestClient) -> Callable[[Role], AUTH]:
    def headers(role: Role) -> AUTH:
        return sign_in(api, role.value.replace("_", "-"))

    return headers
