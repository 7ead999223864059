"""Ingest against a real RTSP server (GStreamer), HTTP (HLS, MJPEG) and files: frames, statuses,
reconnects, watchdog.

Every worker here is a real spawned process; the timeouts are short so the whole file runs in well
under a minute.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import signal
import time
from collections.abc import Callable
from fractions import Fraction
from multiprocessing.queues import Queue
from pathlib import Path

import av
import numpy as np
import pytest

from kuzet.ingest.process import mp_context
from kuzet.ingest.ring import SharedFrameRing
from kuzet.ingest.source import SampledFrame, SourceConfig, StreamSource
from kuzet.ingest.status import StreamError, StreamHealth, StreamStatus
from kuzet.ingest.watchdog import Watchdog
from kuzet.ingest.worker import CameraWorker, ReconnectPolicy
from tests.integration.ingest.conftest import (
    FAST,
    MJPEG_FPS,
    MJPEG_FRAMES,
    VTEST,
    RemuxSink,
    RtspServerFactory,
    Statuses,
    WorkerFactory,
    free_port,
    wait_until,
)
from tests.integration.ingest.spawned import FinishesAtOnce, IgnoresStop, StopRecorder


def read_frames(ring: SharedFrameRing, seconds: float) -> list[tuple[float, float, tuple[int, ...]]]:
    """(timestamp, pixel spread, shape) of every frame read from the ring during ``seconds``."""
    frames = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = ring.get(timeout=0.1)
        if frame is not None:
            frames.append((frame.timestamp, float(frame.image.std()), frame.image.shape))
            ring.release(frame.slot)
    return frames


def test_frames_arrive_at_detect_fps_from_sub_stream_while_main_is_recorded(
    rtsp_server: RtspServerFactory,
    start_worker: WorkerFactory,
    statuses: Statuses,
    make_ring: Callable[[int, int], SharedFrameRing],
    tmp_path: Path,
) -> None:
    main = rtsp_server("/main", fps=15, size=(320, 240))
    sub = rtsp_server("/sub", fps=15, size=(160, 120))
    ring = make_ring(120, 160)
    recording = tmp_path / "main.mkv"
    worker = start_worker(
        SourceConfig(url=main.url(), sub_url=sub.url(), detect_fps=5, open_timeout_s=3),
        ring=ring,
        sink_factory=functools.partial(RemuxSink, str(recording)),
    )
    streaming = statuses.wait_for(StreamStatus.STREAMING, 10)
    assert "h264 320x240" in streaming.detail
    assert "analytics from h264 160x120" in streaming.detail

    read_frames(ring, 1.0)  # FFmpeg hands over what it buffered while probing in a burst; skip it
    frames = read_frames(ring, 3.0)
    worker.stop()
    worker.join(5)

    assert worker.exitcode == 0
    assert 12 <= len(frames) <= 18, f"{len(frames)} frames in 3 s at detect_fps=5"
    times = [t for t, _, _ in frames]
    assert 4.0 <= (len(times) - 1) / (times[-1] - times[0]) <= 6.0
    assert all(shape == (120, 160, 3) and spread > 1.0 for _, spread, shape in frames)
    statuses.drain()
    final = statuses.seen[-1]
    assert final.status is StreamStatus.STOPPED
    sampled = ring.accepted + ring.dropped
    assert 2.7 <= final.frames_decoded / sampled <= 3.3, "every frame decoded, one in three handed on"

    with av.open(str(recording)) as recorded:
        stream = recorded.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 320, 240)
        assert sum(1 for _ in recorded.decode(stream)) >= 45  # at least 3 s of 15 fps, remuxed


def test_wrong_credentials_report_auth_failed_without_the_password(
    rtsp_server: RtspServerFactory, start_worker: WorkerFactory, statuses: Statuses
) -> None:
    server = rtsp_server(user="admin", password="right-pass")
    with StreamSource(SourceConfig(url=server.url(user="admin", password="right-pass"))) as source:
        assert source.video_stream.codec_context.name == "h264"  # the server accepts the right password

    start_worker(SourceConfig(url=server.url(user="admin", password="wrong-pass-123"), open_timeout_s=3))
    failed = statuses.wait_for(StreamStatus.AUTH_FAILED, 10)

    assert failed.detail.startswith(f"wrong credentials for rtsp://admin:***@127.0.0.1:{server.port}/cam")
    assert failed.retry_in_s is not None
    assert all("wrong-pass-123" not in h.detail for h in statuses.seen)


def test_wrong_path_reports_not_found(
    rtsp_server: RtspServerFactory, start_worker: WorkerFactory, statuses: Statuses
) -> None:
    server = rtsp_server("/cam")
    start_worker(SourceConfig(url=server.url(path="/no-such-camera"), open_timeout_s=3))

    failed = statuses.wait_for(StreamStatus.NOT_FOUND, 10)

    assert f"no stream at rtsp://127.0.0.1:{server.port}/no-such-camera (404 Not Found)" in failed.detail


def test_nothing_listening_is_unreachable_and_retried_with_growing_backoff(
    start_worker: WorkerFactory, statuses: Statuses
) -> None:
    policy = ReconnectPolicy(initial_backoff_s=0.1, max_backoff_s=0.8, jitter=0.25, stall_timeout_s=1.0)
    start_worker(SourceConfig(url=f"rtsp://127.0.0.1:{free_port()}/cam", open_timeout_s=1), policy=policy)

    reports: list[StreamHealth] = []
    while len(reports) < 5:
        reports.append(statuses.wait_for(StreamStatus.UNREACHABLE, 5, after=len(statuses.seen)))

    assert "connection refused" in reports[0].detail
    assert [r.reconnects for r in reports] == [1, 2, 3, 4, 5]
    delays = [r.retry_in_s or 0.0 for r in reports]
    assert delays[0] <= 0.1
    assert delays[0] < delays[1] < delays[2] < delays[3], delays
    assert 0.6 <= delays[4] <= 0.8, "capped at max_backoff_s, less the jitter"


def test_reconnects_when_the_server_comes_back_on_the_same_port(
    rtsp_server: RtspServerFactory,
    start_worker: WorkerFactory,
    statuses: Statuses,
    make_ring: Callable[[int, int], SharedFrameRing],
) -> None:
    server = rtsp_server()
    ring = make_ring(240, 320)
    start_worker(SourceConfig(url=server.url(), open_timeout_s=2), ring=ring)
    statuses.wait_for(StreamStatus.STREAMING, 10)

    server.kill()
    lost = statuses.wait_for(StreamStatus.RECONNECTING, 5)
    lost_at = statuses.seen.index(lost)
    server.start()
    back = statuses.wait_for(StreamStatus.STREAMING, 10, after=lost_at)

    assert f"127.0.0.1:{server.port}/cam" in lost.detail
    assert back.reconnects >= 1
    read_frames(ring, 0.3)
    assert read_frames(ring, 1.0), "frames flow again after the reconnect"


def test_stalled_stream_is_detected_and_reopened(
    rtsp_server: RtspServerFactory, start_worker: WorkerFactory, statuses: Statuses
) -> None:
    server = rtsp_server()
    start_worker(SourceConfig(url=server.url(), open_timeout_s=1))
    statuses.wait_for(StreamStatus.STREAMING, 10)

    server.pause()  # the connection stays open, but no packet comes any more
    paused_at = time.monotonic()
    stalled = statuses.wait_for(StreamStatus.STALLED, 6)
    detected_after = time.monotonic() - paused_at
    stalled_at = statuses.seen.index(stalled)
    server.resume()
    back = statuses.wait_for(StreamStatus.STREAMING, 10, after=stalled_at)

    assert detected_after < FAST.stall_timeout_s + 2.0
    assert f"127.0.0.1:{server.port}/cam for 1.5 s" in stalled.detail
    assert stalled.retry_in_s is not None
    assert back.reconnects >= 1


def test_watchdog_restarts_a_killed_worker(
    rtsp_server: RtspServerFactory, statuses: Statuses, make_ring: Callable[[int, int], SharedFrameRing]
) -> None:
    server = rtsp_server()
    ring = make_ring(240, 320)
    config = SourceConfig(url=server.url(), open_timeout_s=2)
    watchdog = Watchdog(interval_s=0.2, join_timeout_s=3)
    watchdog.add(
        "camera:cam-1", lambda: CameraWorker("cam-1", config, ring=ring, status_queue=statuses.queue)
    )
    watchdog.start()
    try:
        statuses.wait_for(StreamStatus.STREAMING, 10)
        first_pid = watchdog.processes["camera:cam-1"].pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        killed_at = len(statuses.seen)

        assert wait_until(lambda: watchdog.restarts["camera:cam-1"] == 1, 5)
        statuses.wait_for(StreamStatus.CONNECTING, 5, after=killed_at)
        statuses.wait_for(StreamStatus.STREAMING, 10, after=killed_at)
        second = watchdog.processes["camera:cam-1"]
        assert second.pid != first_pid
        assert second.is_alive()
    finally:
        watchdog.stop()
    assert watchdog.processes["camera:cam-1"].exitcode == 0


def test_watchdog_stops_in_reverse_order_terminates_the_stubborn_and_leaves_finished_alone() -> None:
    notes: Queue[str] = mp_context().Queue()
    watchdog = Watchdog(interval_s=60, join_timeout_s=0.5)
    watchdog.add("first", lambda: StopRecorder("first", notes))
    watchdog.add("stubborn", lambda: IgnoresStop("stubborn"))
    watchdog.add("finisher", lambda: FinishesAtOnce("finisher"))
    watchdog.add("last", lambda: StopRecorder("last", notes))
    watchdog.start(watch=False)
    # Within 10 s all four have started: both recorders are in their work, the finisher is done.
    deadline = time.monotonic() + 10
    started = sorted(notes.get(timeout=max(0.0, deadline - time.monotonic())) for _ in range(2))
    assert started == ["first started", "last started"]
    assert wait_until(lambda: watchdog.processes["finisher"].exitcode == 0, deadline - time.monotonic())

    assert watchdog.check() == []
    stopping = time.monotonic()
    watchdog.stop()

    assert [notes.get(timeout=2), notes.get(timeout=2)] == ["last", "first"]
    assert watchdog.processes["stubborn"].exitcode == -signal.SIGTERM
    assert not any(p.is_alive() for p in watchdog.processes.values())
    assert watchdog.restarts == {"first": 0, "stubborn": 0, "finisher": 0, "last": 0}
    assert time.monotonic() - stopping < 5


def write_audio_only(path: Path) -> None:
    with av.open(str(path), "w") as output:
        stream = output.add_stream("pcm_s16le", rate=8000)
        samples = np.zeros((1, 800), dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.rate = 8000
        frame.time_base = Fraction(1, 8000)
        for packet in stream.encode(frame):
            output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("noise.mp4", "is not a playable video stream"),
        ("notes.avi", "is not a playable video stream"),
        ("siren.wav", "has no video stream (found: audio)"),
    ],
)
def test_corrupt_or_non_video_file_is_a_bad_stream(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    if name == "siren.wav":
        write_audio_only(path)
    elif name == "notes.avi":
        path.write_bytes(b"shift notes, not a video\n" * 100)
    else:
        path.write_bytes(random.Random(1).randbytes(64 * 1024))

    with pytest.raises(StreamError) as failure:
        StreamSource(SourceConfig(url=str(path))).open()

    assert failure.value.status is StreamStatus.BAD_STREAM
    assert failure.value.message.startswith(f"{path} {expected}")


def test_worker_gives_up_on_a_corrupt_file(
    tmp_path: Path, start_worker: WorkerFactory, statuses: Statuses
) -> None:
    path = tmp_path / "broken.mp4"
    path.write_bytes(random.Random(2).randbytes(32 * 1024))
    worker = start_worker(SourceConfig(url=str(path)))

    failed = statuses.wait_for(StreamStatus.BAD_STREAM, 10)
    worker.join(5)

    assert worker.exitcode == 0
    assert failed.retry_in_s is None
    assert failed.reconnects == 0


def test_file_plays_to_the_end(
    start_worker: WorkerFactory, statuses: Statuses, make_ring: Callable[[int, int], SharedFrameRing]
) -> None:
    ring = make_ring(288, 384)
    worker = start_worker(SourceConfig(url=str(VTEST), detect_fps=5, detect_size=(384, 288)), ring=ring)

    received = 0
    deadline = time.monotonic() + 30
    while not any(h.status is StreamStatus.ENDED for h in statuses.seen):
        assert time.monotonic() < deadline, statuses.history()
        frame = ring.get(timeout=0.05)
        if frame is not None:
            assert frame.image.shape == (288, 384, 3)
            ring.release(frame.slot)
            received += 1
        statuses.poll(0.0)
    ended = next(h for h in statuses.seen if h.status is StreamStatus.ENDED)
    worker.join(5)
    while (frame := ring.get(timeout=0.2)) is not None:
        ring.release(frame.slot)
        received += 1

    assert worker.exitcode == 0
    assert ended.frames_decoded == 795  # vtest.avi: 795 frames at 10 fps
    assert received + ended.frames_dropped == 398  # every second frame: 5 of 10 per second
    assert ended.detail.endswith("vtest.avi played to the end")


def write_hls(folder: Path, frames: int, fps: int) -> None:
    with av.open(str(folder / "clip.m3u8"), "w", format="hls", options={"hls_list_size": "0"}) as output:
        stream = output.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(frames):
            image = np.full((120, 160, 3), index * 8, np.uint8)
            output.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")))
        output.mux(stream.encode(None))


def test_hls_over_http_is_sampled_by_stream_time(http_server: tuple[str, Path]) -> None:
    base, folder = http_server
    write_hls(folder, frames=30, fps=10)

    with StreamSource(SourceConfig(url=f"{base}/clip.m3u8", detect_fps=5)) as source:
        items = list(source.read())
        decoded, described = source.frames_decoded, source.describe()

    frames = [item for item in items if isinstance(item, SampledFrame)]
    assert decoded == 30
    assert len(frames) == 15  # 3 s of video at 10 fps, handed on at 5 fps
    assert len(items) - len(frames) == 30  # and every packet, for the recorder
    assert f"h264 160x120 at 10 fps from {base}/clip.m3u8" in described


def test_mjpeg_over_http_is_sampled_by_the_receive_clock(http_server: tuple[str, Path]) -> None:
    base, _ = http_server
    frames: list[SampledFrame] = []

    with StreamSource(SourceConfig(url=f"{base}/mjpeg", detect_fps=5), packets=False) as source:
        with contextlib.suppress(StreamError):  # the server hangs up after its last frame
            frames.extend(item for item in source.read() if isinstance(item, SampledFrame))
        decoded = source.frames_decoded

    seconds = MJPEG_FRAMES / MJPEG_FPS
    assert decoded == MJPEG_FRAMES
    # MJPEG carries no timestamps (FFmpeg would count 25 fps); 2 s at 5 fps are about 10 frames.
    assert 5 * seconds - 2 <= len(frames) <= 5 * seconds + 1
    assert all(frame.image.shape == (120, 160, 3) for frame in frames)
