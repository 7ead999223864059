"""The per-camera ingest of one host, wired end to end: what ``kuzet worker`` runs.

For every enabled camera with a stream URL the supervisor owns one shared-memory frame ring and one
``CameraWorker`` process (started and stopped in order, restarted when it dies, by a ``Watchdog``).
Each worker records its camera (``kuzet.ingest.supervised``) and, for cameras with analytics, runs
the analytics pipeline on its sampled frames; hits come back on a queue and go to ``hit_sink``.

The parent process is the analytics side of the rings: it reads the sampled frames round-robin,
feeds each to that camera's ``CameraHealthMonitor`` and hands the slot back at once (the monitor keeps
its own shrunken copies), ticks the monitors of silent cameras so a dead camera is reported
``offline`` (counting from the worker's first report: starting a process is not the camera's fault),
and forwards every ``HealthChange`` and every worker ``StreamHealth`` to the sinks it
was given. The sinks are plain callables, so the supervisor knows nothing of buses or databases.

``run`` stops on ``until()``, on ``request_stop()`` or on SIGINT/SIGTERM; stopping stops the workers
(each finishes and indexes its partial segment), then detaches and unlinks every ring, so nothing
is left in ``/dev/shm``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Literal, TypeVar

from kuzet.config.settings import Settings
from kuzet.domain.cameras.model import Camera
from kuzet.domain.fleet.health import HealthChange, HealthCondition
from kuzet.ingest.analytics import AnalyticsHit, AnalyticsMessage, AnalyticsSpec, AnalyticsStatus
from kuzet.ingest.process import KuzetProcess, mp_context
from kuzet.ingest.ring import SharedFrameRing
from kuzet.ingest.source import SourceConfig
from kuzet.ingest.status import StreamHealth, StreamStatus
from kuzet.ingest.supervised import SupervisedCameraWorker, make_recorder
from kuzet.ingest.watchdog import Watchdog
from kuzet.ingest.worker import PacketSink, ReconnectPolicy
from kuzet.vision.health import CameraHealthConfig, CameraHealthMonitor

log = logging.getLogger(__name__)
T = TypeVar("T")

HealthSink = Callable[[HealthChange], None]
"""Receives every change of a camera's picture condition (later: the ``RecordCameraHealth`` command)."""

StatusSink = Callable[[StreamHealth], None]
"""Receives every report of a camera worker about its stream."""

HitSink = Callable[[AnalyticsHit], None]
"""Receives every analytics hit with its snapshot (``kuzet.ingest.hits.HitRecorder`` stores them)."""

RecorderFactory = Callable[[str], PacketSink]
"""Builds the packet sink of one camera id *in the worker process*; it must pickle (module level)."""

DEFAULT_DETECT_SIZE = (640, 360)


@dataclass(frozen=True, slots=True)
class CameraState:
    """What the supervisor knows of one camera now (for a status table)."""

    camera_id: str
    status: StreamStatus = StreamStatus.CONNECTING
    detail: str = "starting"
    frames_decoded: int = 0
    fps: float = 0.0
    frames_analysed: int = 0
    frames_dropped: int = 0
    reconnects: int = 0
    restarts: int = 0
    condition: HealthCondition = HealthCondition.OK
    analytics: str = "off"  # what runs ("nanodet: rule-a, rule-b"), or why not
    hits: int = 0


@dataclass(slots=True)
class _Camera:
    camera: Camera
    source: SourceConfig
    monitor: CameraHealthMonitor
    ring: SharedFrameRing | None = None
    state: CameraState = dataclasses.field(init=False)
    reported_at: float | None = None
    frame_since_tick: bool = False
    watched: bool = False  # silence counts from the worker's first report, not from its spawn

    def __post_init__(self) -> None:
        self.state = CameraState(self.camera.id)


class IngestSupervisor:
    """Ingest, record and health-check a set of cameras; see the module docstring.

    ``recording`` picks the recorder of every worker: ``Settings`` (each worker wires the app from
    them), a picklable ``RecorderFactory`` such as ``make_recorder`` (settings from the worker's
    environment), or ``None`` to analyse without recording. ``analytics`` gives the cameras whose
    worker runs the analytics pipeline; their hits go to ``hit_sink``. ``play_files``: a camera whose
    URL is a file reads it ``once`` as fast as it decodes, or paced like a camera (``realtime``), or
    paced and started over at its end (``loop``, the demo's cameras with recorded footage).

    >>> supervisor = IngestSupervisor(settings, cameras, print, print)  # doctest: +SKIP
    >>> supervisor.run_for(60)  # doctest: +SKIP
    """

    def __init__(
        self,
        recording: Settings | RecorderFactory | None,
        cameras: Iterable[Camera],
        health_sink: HealthSink,
        status_sink: StatusSink,
        *,
        detect_fps: float = 5.0,
        detect_size: tuple[int, int] = DEFAULT_DETECT_SIZE,
        open_timeout_s: float = 10.0,
        ring_slots: int = 4,
        policy: ReconnectPolicy | None = None,
        health_config: CameraHealthConfig | None = None,
        watchdog_interval_s: float = 5.0,
        join_timeout_s: float = 10.0,
        idle_wait_s: float = 0.02,
        tick_interval_s: float = 0.5,
        clock: Callable[[], float] = time.time,
        log_level: int = logging.INFO,
        analytics: Mapping[str, AnalyticsSpec] | None = None,
        hit_sink: HitSink | None = None,
        play_files: Literal["once", "realtime", "loop"] = "once",
    ) -> None:
        if isinstance(recording, Settings):
            self._recorder_factory: RecorderFactory | None = functools.partial(
                make_recorder, settings=recording
            )
        else:
            self._recorder_factory = recording
        self.health_sink = health_sink
        self.status_sink = status_sink
        self.hit_sink = hit_sink
        self.analytics = dict(analytics or {})
        self.detect_size = detect_size
        self.ring_slots = ring_slots
        self.policy = policy or ReconnectPolicy()
        self.idle_wait_s = idle_wait_s
        self.tick_interval_s = tick_interval_s
        self.log_level = log_level
        self._clock = clock
        self.skipped: dict[str, str] = {}
        """Cameras not ingested, and why (disabled, no stream URL, a duplicate id)."""
        self._cameras: dict[str, _Camera] = {}
        for camera in cameras:
            reason = self._skip_reason(camera)
            if reason:
                self.skipped[camera.id] = reason
                continue
            source = SourceConfig.for_camera(camera, detect_fps=detect_fps, detect_size=detect_size)
            source = dataclasses.replace(
                source,
                open_timeout_s=open_timeout_s,
                realtime=play_files != "once",
                loop=play_files == "loop",
            )
            monitor = CameraHealthMonitor(camera.id, health_config)
            self._cameras[camera.id] = _Camera(camera, source, monitor)
        self._statuses: Queue[StreamHealth] = mp_context().Queue(maxsize=max(64, 16 * len(self._cameras)))
        # Workers write hit snapshots here; the hit sink takes each file over (the rest go at stop).
        self._snapshot_dir = Path(tempfile.mkdtemp(prefix="kuzet-snapshots-"))
        self._analytics_queue: Queue[AnalyticsMessage] = mp_context().Queue(
            maxsize=max(64, 16 * len(self._cameras))
        )
        for cid in self.analytics:
            if cid in self._cameras:
                self._cameras[cid].state = dataclasses.replace(self._cameras[cid].state, analytics="starting")
        self._watchdog = Watchdog(interval_s=watchdog_interval_s, join_timeout_s=join_timeout_s)
        self._started = self._stopped = False
        self._stop_requested = False
        self._next_tick = 0.0

    def _skip_reason(self, camera: Camera) -> str:
        if not camera.enabled:
            return "disabled"
        if not camera.stream_url:
            return "no stream URL"
        if camera.id in self._cameras:
            return "listed twice"
        return ""

    # lifecycle

    def __enter__(self) -> IngestSupervisor:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def camera_ids(self) -> tuple[str, ...]:
        """The cameras ingested, in start order."""
        return tuple(self._cameras)

    @property
    def ring_names(self) -> dict[str, str]:
        """Each camera's shared-memory block (``/dev/shm/<name>`` on Linux) while started."""
        return {cid: cam.ring.name for cid, cam in self._cameras.items() if cam.ring is not None}

    @property
    def processes(self) -> dict[str, KuzetProcess]:
        """The current worker process of each camera id."""
        return {name.removeprefix("camera:"): p for name, p in self._watchdog.processes.items()}

    def start(self) -> None:
        """Allocate the rings and start the workers in order (and the watchdog that restarts them)."""
        if self._started:
            raise RuntimeError("the supervisor was already started")
        self._started = True
        try:
            width, height = self.detect_size
            for cid, cam in self._cameras.items():
                cam.ring = SharedFrameRing.create(height, width, slots=self.ring_slots)
                self._watchdog.add(f"camera:{cid}", functools.partial(self._worker, cam))
            self._watchdog.start()
        except BaseException:
            self.stop()
            raise
        log.info("ingesting %d camera(s): %s", len(self._cameras), ", ".join(self._cameras) or "none")

    def _worker(self, cam: _Camera) -> KuzetProcess:
        factory = self._recorder_factory
        return SupervisedCameraWorker(
            cam.camera.id,
            cam.source,
            ring=cam.ring,
            status_queue=self._statuses,
            sink_factory=functools.partial(factory, cam.camera.id) if factory is not None else None,
            policy=self.policy,
            log_level=self.log_level,
            analytics=self.analytics.get(cam.camera.id),
            analytics_queue=self._analytics_queue,
            snapshot_dir=self._snapshot_dir,
        )

    def request_stop(self) -> None:
        """Make ``run`` return after its current pass (safe from signal handlers and other threads)."""
        self._stop_requested = True

    def stop(self) -> None:
        """Stop the workers (newest first), forward their last reports, unlink the rings. Idempotent.

        The queues are read while the workers stop: a worker exits only once its queue's buffered
        messages are in the pipe, and a full pipe nobody reads would hold it until it is killed.
        """
        if self._stopped:
            return
        self._stopped = True
        stopped = threading.Event()
        reader = threading.Thread(target=self._drain_until, args=(stopped,), name="drain", daemon=True)
        reader.start()
        try:
            self._watchdog.stop()
            stopped.set()
            reader.join()
            self._drain_statuses(limit=None)
            self._drain_analytics(limit=None)
        finally:
            stopped.set()
            reader.join()
            for cam in self._cameras.values():
                self._free_ring(cam)
            for q in (self._statuses, self._analytics_queue):
                q.close()
                q.join_thread()
            shutil.rmtree(self._snapshot_dir, ignore_errors=True)
        log.info("ingest stopped")

    def _drain_until(self, stopped: threading.Event) -> None:
        while not stopped.is_set():
            if self._drain_statuses(limit=256) + self._drain_analytics(limit=256) == 0:
                stopped.wait(self.idle_wait_s)

    def _free_ring(self, cam: _Camera) -> None:
        ring, cam.ring = cam.ring, None
        if ring is None:
            return
        try:
            while (frame := ring.get(timeout=0)) is not None:
                ring.release(frame.slot)
            del frame
            ring.close()
        finally:
            ring.unlink()

    # the loop

    def run(self, until: Callable[[], bool] | None = None) -> None:
        """Start (if needed), serve until ``until()`` is true, a stop is requested or a signal, then stop.

        SIGINT and SIGTERM request the stop while this runs in the main thread; a second SIGINT
        interrupts the stop itself.
        """
        if not self._started:
            self.start()
        previous = self._install_signal_handlers()
        try:
            while not self._stop_requested and not (until is not None and until()):
                self.step()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.stop()

    def run_for(self, seconds: float) -> None:
        """``run`` for at most ``seconds``."""
        deadline = time.monotonic() + seconds
        self.run(lambda: time.monotonic() >= deadline)

    def step(self) -> int:
        """One round-robin pass: a frame from every ring that has one, statuses, ticks; frames analysed.

        When no ring had a frame it waits up to ``idle_wait_s`` for a worker report instead of spinning.
        """
        analysed = 0
        for cam in self._cameras.values():
            if cam.ring is not None and self._analyse_one(cam):
                analysed += 1
        forwarded = self._drain_statuses(limit=256) + self._drain_analytics(limit=256)
        if analysed == 0 and forwarded == 0:
            self._wait_for_status(self.idle_wait_s)
        now = self._clock()
        if now >= self._next_tick:
            self._next_tick = now + self.tick_interval_s
            self._tick(now)
        return analysed

    def _analyse_one(self, cam: _Camera) -> bool:
        assert cam.ring is not None
        frame = cam.ring.get(timeout=0)
        if frame is None:
            return False
        try:
            change = cam.monitor.evaluate(frame.image, frame.timestamp)
        except Exception:
            log.exception("camera %s: health check failed on a frame", cam.camera.id)
            change = None
        finally:
            cam.ring.release(frame.slot)
            del frame
        cam.frame_since_tick = True
        cam.state = dataclasses.replace(
            cam.state,
            frames_analysed=cam.state.frames_analysed + 1,
            frames_dropped=cam.ring.dropped,
            condition=cam.monitor.condition,
        )
        if change is not None:
            self._forward_health(change)
        return True

    def _tick(self, now: float) -> None:
        for cam in self._cameras.values():
            if cam.frame_since_tick or not cam.watched:
                cam.frame_since_tick = False
                continue
            change = cam.monitor.tick(now)
            if change is not None:
                cam.state = dataclasses.replace(cam.state, condition=cam.monitor.condition)
                self._forward_health(change)

    def _forward_health(self, change: HealthChange) -> None:
        level = logging.INFO if change.condition is HealthCondition.OK else logging.WARNING
        log.log(level, "camera %s: %s (%s)", change.camera_id, change.condition.value, change.detail)
        try:
            self.health_sink(change)
        except Exception:  # a sink that fails (the database is away) must not stop the ingest
            log.exception("camera %s: the health sink failed", change.camera_id)

    def _wait_for_status(self, timeout_s: float) -> None:
        try:
            health = self._statuses.get(timeout=timeout_s)
        except queue.Empty:
            return
        self._forward_status(health)

    def _drain_statuses(self, limit: int | None) -> int:
        return drain(self._statuses, self._forward_status, limit)

    def _forward_status(self, health: StreamHealth) -> None:
        cam = self._cameras.get(health.camera_id)
        if cam is not None:
            cam.watched = True
            now = time.monotonic()
            previous = cam.state
            fps = 0.0
            delta = health.frames_decoded - previous.frames_decoded
            if health.status is StreamStatus.STREAMING and cam.reported_at is not None and delta >= 0:
                elapsed = now - cam.reported_at
                fps = delta / elapsed if elapsed > 0 else previous.fps
            cam.reported_at = now
            restarts = self._watchdog.restarts.get(f"camera:{health.camera_id}", 0)
            cam.state = dataclasses.replace(
                previous,
                status=health.status,
                detail=health.detail,
                frames_decoded=health.frames_decoded,
                fps=fps,
                reconnects=health.reconnects,
                restarts=restarts,
            )
        try:
            self.status_sink(health)
        except Exception:
            log.exception("camera %s: the status sink failed", health.camera_id)

    def _drain_analytics(self, limit: int | None) -> int:
        return drain(self._analytics_queue, self._forward_analytics, limit)

    def _forward_analytics(self, message: AnalyticsMessage) -> None:
        cam = self._cameras.get(message.camera_id)
        if isinstance(message, AnalyticsStatus):
            if cam is not None:
                shown = message.detail if message.running else f"off: {message.detail}"
                cam.state = dataclasses.replace(cam.state, analytics=shown)
            if not message.running:
                log.error(
                    "camera %s: analytics off (recording goes on): %s", message.camera_id, message.detail
                )
            return
        if cam is not None:
            cam.state = dataclasses.replace(cam.state, hits=cam.state.hits + 1)
        hit = message.hit
        log.info("camera %s: %s by rule %s (%s)", message.camera_id, hit.code, hit.rule_id, hit.detail)
        if self.hit_sink is None:
            message.snapshot.unlink(missing_ok=True)
            return
        try:
            self.hit_sink(message)
        except Exception:  # the database or the archive is away: the hit is lost, the ingest goes on
            log.exception("camera %s: the hit sink failed", message.camera_id)

    def snapshot(self) -> list[CameraState]:
        """The state of every camera, in start order (safe to call from another thread)."""
        return [cam.state for cam in list(self._cameras.values())]

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, Any] = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, self._on_signal)
        return previous

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stop_requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("%s received; stopping", signal.Signals(signum).name)
        self.request_stop()


def drain(source: Queue[T], forward: Callable[[T], None], limit: int | None) -> int:
    """Forward what ``source`` holds now, at most ``limit`` messages (all with ``None``); how many."""
    forwarded = 0
    while limit is None or forwarded < limit:
        try:
            message = source.get(timeout=0)
        except queue.Empty:
            break
        forward(message)
        forwarded += 1
    return forwarded
