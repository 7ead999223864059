"""A migrated Kuzet (SQLite and PostgreSQL) with an archive in a temporary folder and a small site."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import av
import pytest
from sqlalchemy import select

from kuzet.adapters.archive.config import ArchiveConfig
from kuzet.adapters.store import migrate
from kuzet.adapters.store.tables import OutboxRow
from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.archive.model import Segment
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users.model import Tenant, TenantKind
from kuzet.ingest.recorder import Recorder
from kuzet.services.context import Actor
from tests.unit.archive.media import encode_h264

CENTER = GeoPoint(43.25, 76.93)


@pytest.fixture(scope="session")
def camera_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25 s of 25 fps H.264 with a keyframe every second."""
    return encode_h264(tmp_path_factory.mktemp("video") / "camera.mp4", seconds=25)


def seed(kuzet: Kuzet) -> None:
    def camera(cid: str, kind: CameraKind, tenant: str | None = None) -> Camera:
        position = None if kind.is_mobile else CENTER
        purpose = CameraPurpose.PATROL_EVIDENCE if kind.is_mobile else CameraPurpose.PUBLIC_ORDER
        return Camera(cid, cid, kind, purpose, "almaly", owner_tenant_id=tenant, position=position)

    kuzet.messagebus.handle(
        ImportSite(
            districts=(District("almaly", "Almaly", CENTER),),
            tenants=(
                Tenant("magnum-1", "Magnum", TenantKind.SHOP, frozenset({OffenseCategory.PUBLIC_ORDER})),
            ),
            cameras=(
                camera("st-1", CameraKind.STREET),
                camera("bc-1", CameraKind.BODY_CAM),
                camera("shop-1", CameraKind.SHOP, "magnum-1"),
            ),
        ),
        Actor("cli:test"),
    )


@pytest.fixture
def archive_app(database_url: str, tmp_path: Path) -> Iterator[Kuzet]:
    settings = load_settings(
        database_url=database_url, bus_url="memory://", archive_path=tmp_path / "archive", _env_file=None
    )
    kuzet = bootstrap(settings, archive=ArchiveConfig(min_free_bytes=0))
    migrate.upgrade(kuzet.engine)
    seed(kuzet)
    yield kuzet
    kuzet.dispose()


def record(kuzet: Kuzet, camera_id: str, video: Path, recorded_at: datetime) -> list[Segment]:
    """Record ``video`` as if the camera had streamed it from ``recorded_at``, indexing every segment."""
    indexed: list[Segment] = []
    recorder = Recorder(
        camera_id,
        kuzet.archive.storage,
        lambda s: indexed.append(kuzet.archive.indexer.index(s)),
        recorded_at=recorded_at,
    )
    with av.open(str(video)) as container:
        recorder.open(container.streams.video[0])
        for packet in container.demux(video=0):
            recorder.write(packet)
    recorder.close()
    return indexed


def outbox_types(kuzet: Kuzet) -> list[str]:
    with kuzet.session_factory() as session:
        return list(session.scalars(select(OutboxRow.event_type).order_by(OutboxRow.id)))
