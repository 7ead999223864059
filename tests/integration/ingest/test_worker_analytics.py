"""Analytics inside the ingest workers, end to end: real footage in, alerts with snapshots out.

Two cameras play opencv-doc's ``vtest.avi`` (people walking through a hall), re-encoded to H.264 as a
camera would send it, as files. The first runs
OpenCV's HOG people detector with an intrusion zone over the lower part of the image; its hits are
recorded by ``HitRecorder``: a JPEG in the archive and an alert in the SQLite store. The second names
a detector model file that does not exist: its analytics is turned off with the file's name in the
reason, and it is recorded all the same.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kuzet.adapters.models.loader import load_onnx
from kuzet.bootstrap import Kuzet
from kuzet.config.site import SiteConfig, parse_site
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.users.model import TenantScope
from kuzet.ingest.analytics import check_analytics, specs_for
from kuzet.ingest.hits import HitRecorder
from kuzet.ingest.supervised import make_recorder
from kuzet.ingest.supervisor import IngestSupervisor
from kuzet.services.context import Actor
from kuzet.sim.footage import h264_copy
from tests.integration.ingest.conftest import VTEST
from tests.integration.ingest.test_supervisor import HEALTH, POLICY

NO_MODEL = "{type: nanodet, model: nope.onnx}"
SIZE = (768, 576)  # vtest's own size: HOG needs people of ~100 px and more


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return h264_copy(VTEST, tmp_path_factory.mktemp("footage") / "hall.mp4", max_seconds=20)


def site_for(camera_id: str, detector: str, footage: Path) -> SiteConfig:
    return parse_site(
        f"""
timezone: Asia/Almaty
analytics:
  detector: {detector}
districts: [{{id: almaly, name: Almaly, lat: 43.25, lon: 76.93}}]
cameras:
  - {{id: {camera_id}, name: Hall, kind: street, purpose: public_order, district: almaly,
     lat: 43.25, lon: 76.93, stream_url: "{footage}"}}
zones:
  - {{id: floor, camera: {camera_id}, points: [[0, 0.45], [1, 0.45], [1, 1], [0, 1]]}}
rules:
  - {{type: intrusion, id: floor-entry, zone: floor}}
""",
        "site.yaml",
    )


@pytest.fixture
def sites(footage: Path) -> tuple[SiteConfig, SiteConfig]:
    """A camera with HOG and an intrusion zone, and one whose detector model file does not exist."""
    return site_for("hall-1", "{type: opencv_hog}", footage), site_for("hall-2", NO_MODEL, footage)


@pytest.fixture
def store(store: Kuzet, sites: tuple[SiteConfig, SiteConfig]) -> Kuzet:
    """The ingest store with the two cameras registered (an alert needs its camera)."""
    store.messagebus.handle(
        ImportSite(
            districts=tuple(d.to_domain() for d in sites[0].districts),
            tenants=(),
            cameras=tuple(s.cameras[0].to_domain() for s in sites),
        ),
        Actor("cli:test"),
    )
    return store


def test_hits_become_alerts_with_snapshots_and_a_broken_model_only_stops_analytics(
    store: Kuzet, sites: tuple[SiteConfig, SiteConfig]
) -> None:
    good, broken = sites
    specs = {**specs_for(good, ["hall-1"]), **specs_for(broken, ["hall-2"])}
    assert set(specs) == {"hall-1", "hall-2"}
    problems = check_analytics(specs, SIZE, load_onnx)
    assert list(problems) == ["hall-2"]
    assert "nope.onnx" in problems["hall-2"]
    assert "analytics.detector" in problems["hall-2"]

    recorder = HitRecorder(store)
    cameras = [good.cameras[0].to_domain(), broken.cameras[0].to_domain()]
    supervisor = IngestSupervisor(
        make_recorder,
        cameras,
        lambda change: None,
        lambda health: None,
        detect_fps=5,
        detect_size=SIZE,
        policy=POLICY,
        health_config=HEALTH,
        join_timeout_s=5,
        analytics=specs,  # the broken one too: the worker must cope on its own
        hit_sink=recorder,
    )
    deadline = time.monotonic() + 60
    supervisor.run(lambda: recorder.recorded >= 2 or time.monotonic() > deadline)
    try:
        states = {s.camera_id: s for s in supervisor.snapshot()}
        with store.uow() as uow:
            alerts = [a for a in uow.alerts.recent(TenantScope(None), 50) if a.camera_id == "hall-1"]
            recorded = {cid: uow.segments.page(0, 100, camera_id=cid) for cid in ("hall-1", "hall-2")}
    finally:
        store.dispose()

    assert recorder.recorded >= 2, states
    assert states["hall-1"].analytics == "opencv_hog: floor-entry"
    assert states["hall-1"].hits >= 2
    assert states["hall-2"].analytics.startswith("off: ")
    assert "nope.onnx" in states["hall-2"].analytics
    assert states["hall-2"].hits == 0

    # alerts carry the offense, the rule, the clip range and a JPEG that shows the box
    assert alerts
    assert {a.code for a in alerts} == {"intrusion"}
    for alert in alerts:
        assert "rule floor-entry" in alert.detail
        assert "clip " in alert.detail
        assert alert.snapshot_ref is not None
        assert alert.snapshot_ref.startswith("_snapshots/hall-1/")
        jpeg = store.archive.storage.locate(alert.snapshot_ref).read_bytes()
        assert jpeg[:3] == b"\xff\xd8\xff"
        assert len(jpeg) > 10_000

    # both cameras were recorded, the one without analytics included
    assert recorded["hall-1"]
    assert recorded["hall-2"]
