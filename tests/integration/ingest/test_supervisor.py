"""The ingest supervisor end to end: real RTSP camera, real worker processes, SQLite index, archive.

One camera streams ``vtest.avi`` (people walking through a hall: a moving, healthy picture) from the
GStreamer RTSP server, another points at a closed port. The workers record into a temporary archive
and index the segments in a temporary SQLite database; both are named by environment variables that
the spawned workers read, exactly as ``kuzet worker`` children do.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import signal
import threading
import time
from pathlib import Path

from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose
from kuzet.domain.fleet.health import HealthChange, HealthCondition
from kuzet.domain.geo import GeoPoint
from kuzet.ingest.status import StreamHealth, StreamStatus
from kuzet.ingest.supervised import make_recorder
from kuzet.ingest.supervisor import IngestSupervisor
from kuzet.ingest.worker import ReconnectPolicy
from kuzet.vision.health import CameraHealthConfig
from tests.integration.ingest.conftest import VTEST, RtspServerFactory, free_port

POLICY = ReconnectPolicy(initial_backoff_s=0.2, max_backoff_s=1.0, stall_timeout_s=3.0, health_interval_s=0.5)
HEALTH = CameraHealthConfig(offline_after_s=6.0)
SHM = Path("/dev/shm")  # noqa: S108 - where Linux keeps POSIX shared memory, not a temporary file


def camera(camera_id: str, url: str | None, *, enabled: bool = True) -> Camera:
    return Camera(
        id=camera_id,
        name=camera_id,
        kind=CameraKind.STREET,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id="almaly",
        position=GeoPoint(43.2383, 76.9453),
        stream_url=url,
        enabled=enabled,
    )


def shm_left(names: dict[str, str]) -> list[str]:
    return [name for name in names.values() if (SHM / name).exists()]


def test_records_the_live_camera_and_reports_the_dead_one(
    rtsp_server: RtspServerFactory, store: Kuzet
) -> None:
    server = rtsp_server("/live", fps=10, size=(320, 240), source=VTEST)
    cameras = [
        camera("live-1", server.url()),
        camera("dead-1", f"rtsp://127.0.0.1:{free_port()}/cam"),
        camera("off-1", server.url(), enabled=False),
        camera("nourl-1", None),
    ]
    changes: list[HealthChange] = []
    statuses: list[StreamHealth] = []
    supervisor = IngestSupervisor(
        make_recorder,
        cameras,
        changes.append,
        statuses.append,
        detect_fps=5,
        detect_size=(320, 240),
        open_timeout_s=3,
        policy=POLICY,
        health_config=HEALTH,
        join_timeout_s=5,
    )
    assert supervisor.camera_ids == ("live-1", "dead-1")
    assert supervisor.skipped == {"off-1": "disabled", "nourl-1": "no stream URL"}

    supervisor.start()
    rings = supervisor.ring_names
    processes = supervisor.processes
    assert len(rings) == 2
    assert shm_left(rings) == list(rings.values()), "the rings exist while running"
    supervisor.run_for(16)
    try:
        states = {state.camera_id: state for state in supervisor.snapshot()}
        seen = {(h.camera_id, h.status) for h in statuses}
        with store.uow() as uow:
            live_segments = uow.segments.page(0, 100, camera_id="live-1")
            dead_segments = uow.segments.page(0, 100, camera_id="dead-1")
    finally:
        store.dispose()

    # the workers stopped cleanly and the rings are gone
    assert all(p.exitcode == 0 for p in processes.values()), {c: p.exitcode for c, p in processes.items()}
    assert set(supervisor.processes) == {"live-1", "dead-1"}
    assert shm_left(rings) == []

    # stream statuses
    assert ("live-1", StreamStatus.STREAMING) in seen
    assert ("dead-1", StreamStatus.UNREACHABLE) in seen
    assert ("dead-1", StreamStatus.STREAMING) not in seen
    assert {h.status for h in statuses if h.camera_id == "live-1"} <= {
        StreamStatus.CONNECTING,
        StreamStatus.STREAMING,
        StreamStatus.STOPPED,
    }
    assert statuses[-1].status is StreamStatus.STOPPED

    # picture health: the dead camera went offline (silence), the moving picture raised nothing
    assert [(c.camera_id, c.condition) for c in changes] == [("dead-1", HealthCondition.OFFLINE)]
    assert states["dead-1"].condition is HealthCondition.OFFLINE
    assert states["live-1"].condition is HealthCondition.OK
    assert states["live-1"].frames_analysed >= 40, "about 5 frames a second for ~13 s"
    assert states["dead-1"].frames_analysed == 0

    # recording: keyframe-aligned 2 s segments, indexed with the hash of the bytes on disk
    assert dead_segments == []
    assert len(live_segments) >= 4, live_segments
    for segment in live_segments:
        path = store.archive.storage.locate(segment.path)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == segment.sha256
        assert path.stat().st_size == segment.size
    assert sum(s.keyframe_aligned for s in live_segments) >= len(live_segments) - 1  # the last is partial
    gaps = [(b.start - a.end).total_seconds() for a, b in itertools.pairwise(live_segments)]
    assert all(abs(gap) < 0.5 for gap in gaps), gaps


def test_sigterm_stops_the_run_loop_and_frees_everything(store: Kuzet) -> None:
    store.dispose()
    supervisor = IngestSupervisor(
        None,
        [camera("dead-1", f"rtsp://127.0.0.1:{free_port()}/cam")],
        lambda change: None,
        lambda health: None,
        policy=POLICY,
        join_timeout_s=5,
    )
    supervisor.start()
    rings, processes = supervisor.ring_names, supervisor.processes
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    timer.start()
    try:
        supervisor.run(lambda: time.monotonic() - started > 20)
    finally:
        timer.cancel()

    assert time.monotonic() - started < 10, "SIGTERM, not the deadline, ended the run"
    assert signal.getsignal(signal.SIGTERM) is before
    assert all(p.exitcode == 0 for p in processes.values())
    assert shm_left(rings) == []
