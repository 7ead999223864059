"""Cameras and helpers for the ingest tests: a real RTSP server, an HTTP server, workers and rings.

``rtsp_server`` starts GStreamer RTSP servers (under the system Python) on free ports and stops them
after the test. Where ``/usr/bin/python3`` cannot load ``GstRtspServer`` those tests skip on a
developer machine and fail under ``CI=true``. ``http_server`` serves HLS files and an MJPEG stream.
``start_worker`` runs real ``CameraWorker`` processes whose reports land in ``statuses``.
"""

from __future__ import annotations

import functools
import http.server
import os
import queue
import selectors
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.queues import Queue
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import cv2
import numpy as np
import pytest
from av.container import OutputContainer
from av.packet import Packet
from av.video.stream import VideoStream

from kuzet.ingest.process import mp_context
from kuzet.ingest.ring import SharedFrameRing
from kuzet.ingest.source import SourceConfig
from kuzet.ingest.status import StreamHealth, StreamStatus
from kuzet.ingest.worker import CameraWorker, PacketSink, ReconnectPolicy

if TYPE_CHECKING:  # a worker spawned with ``RemuxSink`` imports this module: the app loads in ``store``
    from kuzet.bootstrap import Kuzet

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
MJPEG_FRAMES, MJPEG_FPS = 40, 20
GST_CHECK = (
    "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); "
    "from gi.repository import GstRtspServer"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RtspServer:
    """One server process; it can be killed, paused (SIGSTOP) and started again on the same port."""

    def __init__(self, port: int, path: str, args: list[str]) -> None:
        self.port = port
        self.path = path
        self._args = args
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, *, user: str | None = None, password: str | None = None, path: str | None = None) -> str:
        credentials = f"{user}:{password}@" if user is not None else ""
        return f"rtsp://{credentials}127.0.0.1:{self.port}{path or self.path}"

    def start(self, timeout_s: float = 10.0) -> None:
        command = [
            SYSTEM_PYTHON,
            str(SERVER_SCRIPT),
            "--port",
            str(self.port),
            "--path",
            self.path,
            *self._args,
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._process = process
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout_s) or process.stdout.readline().strip() != b"READY":
                process.kill()
                _, errors = process.communicate()
                raise RuntimeError(f"RTSP server did not start: {errors.decode(errors='replace')[-2000:]}")

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGCONT)  # a paused process cannot die until resumed
            self._process.kill()
            self._process.communicate()
        self._process = None

    def pause(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)


RtspServerFactory = Callable[..., RtspServer]


@pytest.fixture(scope="session")
def gstreamer() -> None:
    """Skip (developer machine) or fail (CI) when the system Python has no GStreamer RTSP server."""
    try:
        check = subprocess.run([SYSTEM_PYTHON, "-c", GST_CHECK], capture_output=True, timeout=30, check=False)
        reason = check.stderr.decode(errors="replace").strip().splitlines()[-1:] if check.returncode else None
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = [str(exc)]
    if reason is not None:
        message = (
            f"{SYSTEM_PYTHON} cannot load GstRtspServer ({' '.join(reason)}); "
            "install gir1.2-gst-rtsp-server-1.0 and gstreamer1.0-rtsp"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def rtsp_server(gstreamer: None) -> Iterator[RtspServerFactory]:
    """Start an RTSP server: ``rtsp_server(path="/cam", fps=15, size=(320, 240), user=None, ...)``."""
    servers: list[RtspServer] = []

    def start(
        path: str = "/cam",
        *,
        fps: int = 15,
        size: tuple[int, int] = (320, 240),
        user: str | None = None,
        password: str | None = None,
        source: Path | None = None,
    ) -> RtspServer:
        args = ["--fps", str(fps), "--width", str(size[0]), "--height", str(size[1])]
        args += ["--source", str(source) if source else "testsrc"]
        if user is not None:
            args += ["--user", user, "--password", password or ""]
        server = RtspServer(free_port(), path, args)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.kill()


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


FAST = ReconnectPolicy(initial_backoff_s=0.2, max_backoff_s=1.0, stall_timeout_s=1.5, health_interval_s=0.5)


class RemuxSink:
    """The smallest recorder: remux the worker's packets into a Matroska file, never re-encoding."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._output: OutputContainer | None = None
        self._stream: VideoStream | None = None

    def open(self, stream: VideoStream) -> None:
        self._output = av.open(self.path, "w", format="matroska")
        self._stream = self._output.add_stream_from_template(stream)

    def write(self, packet: Packet) -> None:
        if self._output is not None and self._stream is not None and packet.dts is not None:
            packet.stream = self._stream
            self._output.mux(packet)

    def close(self) -> None:
        if self._output is not None:
            self._output.close()


class Statuses:
    """The health reports of the workers of one test, in arrival order."""

    def __init__(self) -> None:
        self.queue: Queue[StreamHealth] = mp_context().Queue(maxsize=256)
        self.seen: list[StreamHealth] = []

    def wait_for(self, status: StreamStatus, timeout_s: float, *, after: int = 0) -> StreamHealth:
        """The first report with ``status`` at index ``after`` or later, waiting up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            match = next((h for h in self.seen[after:] if h.status is status), None)
            if match is not None:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {status} within {timeout_s} s; saw {self.history()}")
            self.poll(remaining)

    def poll(self, timeout_s: float) -> bool:
        try:
            self.seen.append(self.queue.get(timeout=min(timeout_s, 0.2)))
        except queue.Empty:
            return False
        return True

    def drain(self) -> None:
        while self.poll(0.0):
            pass

    def history(self) -> list[tuple[str, str]]:
        return [(h.status.value, h.detail) for h in self.seen]


WorkerFactory = Callable[..., CameraWorker]


@pytest.fixture
def statuses() -> Statuses:
    return Statuses()


@pytest.fixture
def start_worker(statuses: Statuses) -> Iterator[WorkerFactory]:
    workers: list[CameraWorker] = []

    def start(
        source: SourceConfig,
        *,
        policy: ReconnectPolicy = FAST,
        ring: SharedFrameRing | None = None,
        sink_factory: Callable[[], PacketSink] | None = None,
    ) -> CameraWorker:
        worker = CameraWorker(
            "cam-1", source, ring=ring, status_queue=statuses.queue, sink_factory=sink_factory, policy=policy
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        worker.join(5)
        if worker.is_alive():
            worker.kill()
            worker.join()


@pytest.fixture
def make_ring() -> Iterator[Callable[[int, int], SharedFrameRing]]:
    rings: list[SharedFrameRing] = []

    def make(height: int, width: int) -> SharedFrameRing:
        rings.append(SharedFrameRing.create(height, width, slots=4))
        return rings[-1]

    yield make
    for ring in rings:
        ring.close()
        ring.unlink()


class _HttpCameraHandler(http.server.SimpleHTTPRequestHandler):
    """Files (HLS playlists and segments) from the served folder, and an MJPEG camera at ``/mjpeg``."""

    def do_GET(self) -> None:
        if self.path != "/mjpeg":
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        for index in range(MJPEG_FRAMES):
            _, jpeg = cv2.imencode(".jpg", np.full((120, 160, 3), index * 5, np.uint8))
            part = b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(jpeg)
            try:
                self.wfile.write(part + jpeg.tobytes() + b"\r\n")
            except OSError:  # the client hung up
                return
            time.sleep(1 / MJPEG_FPS)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _HttpServer(http.server.ThreadingHTTPServer):
    block_on_close = False  # an MJPEG client may still be streaming at teardown


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server: ``(base URL, folder it serves)``; ``/mjpeg`` streams 40 frames at 20 fps."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(_HttpCameraHandler, directory=str(folder))
    server = _HttpServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kuzet:
    """A migrated SQLite database and an archive with 2 s segments, named in the workers' environment."""
    from kuzet.adapters.store import migrate
    from kuzet.bootstrap import bootstrap
    from kuzet.config.settings import load_settings

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "archive.yaml").write_text("segment_seconds: 2\n", encoding="utf-8")
    monkeypatch.setenv("KUZET_DATABASE_URL", f"sqlite:///{tmp_path / 'kuzet.db'}")
    monkeypatch.setenv("KUZET_ARCHIVE_PATH", str(archive))
    monkeypatch.setenv("KUZET_BUS_URL", "memory://")
    kuzet = bootstrap(load_settings())
    migrate.upgrade(kuzet.engine)
    return kuzet
