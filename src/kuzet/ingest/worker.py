"""One process per camera: keep the stream open, feed the frame ring and the recorder, say how it goes.

Why a process per camera: decoding is CPU-bound and FFmpeg can crash or hang in native code; a process
isolates both, uses its own core and can be killed and restarted by the watchdog without touching
the other cameras.

The worker's loop: open the stream; hand sampled frames to the ``SharedFrameRing`` and packets to an
optional ``PacketSink`` (the recorder); when the stream fails, report why and retry after a capped,
jittered exponential backoff (so a thousand cameras behind one failed switch do not reconnect in the
same instant); when no frame arrives for ``stall_timeout_s`` report ``stalled`` and reopen. Files play
to their end and stop; a missing or unplayable file is not retried.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import av.logging
from av.packet import Packet
from av.video.stream import VideoStream

from kuzet.domain.messages import utc_now
from kuzet.ingest.process import KuzetProcess
from kuzet.ingest.ring import SharedFrameRing
from kuzet.ingest.source import SampledFrame, SourceConfig, StreamSource
from kuzet.ingest.status import StreamError, StreamHealth, StreamStatus, redact

if TYPE_CHECKING:  # the analytics (SciPy, Shapely, OpenCV, ONNX Runtime) load only in a camera with rules
    from kuzet.ingest.analytics import AnalyticsRunner, AnalyticsSpec

log = logging.getLogger(__name__)

# A file that is missing or unplayable stays so; retrying it would only repeat the same report.
_FINAL_FOR_FILES = frozenset({StreamStatus.NOT_FOUND, StreamStatus.BAD_STREAM, StreamStatus.AUTH_FAILED})


class PacketSink(Protocol):
    """Where the main stream's packets go untouched, e.g. the recorder that remuxes them into segments.

    ``open`` gets the input video stream (use it with ``OutputContainer.add_stream_from_template``) each
    time the stream is (re)opened, ``write`` every packet of it, ``close`` when the connection ends.
    """

    def open(self, stream: VideoStream, /) -> None: ...

    def write(self, packet: Packet, /) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """Backoff and stall detection.

    The n-th retry waits ``min(max_backoff_s, initial_backoff_s * 2**n)`` shortened by a random fraction
    of up to ``jitter`` (at most 0.5, so every delay is still longer than the one before until the cap).
    The stall timeout is also the source's read timeout.
    """

    initial_backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    jitter: float = 0.25
    stall_timeout_s: float = 10.0
    health_interval_s: float = 5.0

    def __post_init__(self) -> None:
        if not 0 < self.initial_backoff_s <= self.max_backoff_s:
            raise ValueError("backoff needs 0 < initial_backoff_s <= max_backoff_s")
        if not 0 <= self.jitter <= 0.5:
            raise ValueError(f"jitter must be within 0..0.5, got {self.jitter}")
        if self.stall_timeout_s <= 0 or self.health_interval_s <= 0:
            raise ValueError("stall_timeout_s and health_interval_s must be positive")


class Backoff:
    """Capped exponential delays with jitter; ``reset`` once the stream works again.

    >>> backoff = Backoff(ReconnectPolicy(initial_backoff_s=0.5, max_backoff_s=2.0, jitter=0.0))
    >>> [backoff.next_delay() for _ in range(4)]
    [0.5, 1.0, 2.0, 2.0]
    """

    def __init__(self, policy: ReconnectPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        self.attempt = 0
        self._rng = rng or random.SystemRandom()

    def next_delay(self) -> float:
        policy = self.policy
        base = min(policy.max_backoff_s, policy.initial_backoff_s * 2.0**self.attempt)
        self.attempt += 1
        return base * (1.0 - policy.jitter * self._rng.random())

    def reset(self) -> None:
        self.attempt = 0


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How one connection ended: the status to report and whether to try again."""

    status: StreamStatus
    detail: str
    final: bool = False


class _RedactPasswords(logging.Filter):
    """Masks URL passwords in every log line of the worker, FFmpeg's own and tracebacks included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class CameraWorker(KuzetProcess):
    """The ingest process of one camera.

    >>> ring = SharedFrameRing.create(height=720, width=1280)  # doctest: +SKIP
    >>> statuses = mp_context().Queue(maxsize=64)  # doctest: +SKIP
    >>> worker = CameraWorker("st-001", SourceConfig(url="rtsp://cam/main", detect_size=(1280, 720)),
    ...                       ring=ring, status_queue=statuses)  # doctest: +SKIP
    >>> worker.start(); ...; worker.stop(); worker.join()  # doctest: +SKIP

    ``sink_factory`` is called inside the worker process (it must pickle, e.g. a module-level function
    or a ``functools.partial``) and its sink gets the main stream's packets. With ``analytics`` the
    worker also runs the camera's analytics pipeline on every sampled frame and puts its hits and
    status on ``analytics_queue`` (see ``kuzet.ingest.analytics``).
    """

    def __init__(
        self,
        camera_id: str,
        source: SourceConfig,
        *,
        ring: SharedFrameRing | None = None,
        status_queue: Queue[StreamHealth] | None = None,
        sink_factory: Callable[[], PacketSink] | None = None,
        policy: ReconnectPolicy | None = None,
        stop_event: Event | None = None,
        log_level: int = logging.INFO,
        analytics: AnalyticsSpec | None = None,
        analytics_queue: Queue[Any] | None = None,
        snapshot_dir: Path | None = None,
    ) -> None:
        super().__init__(f"camera:{camera_id}", stop_event=stop_event, log_level=log_level)
        self.analytics = analytics
        self.analytics_queue = analytics_queue
        self.snapshot_dir = snapshot_dir or Path(tempfile.gettempdir())
        self._runner: AnalyticsRunner | None = None
        self.camera_id = camera_id
        self.policy = policy or ReconnectPolicy()
        self.source_config = dataclasses.replace(source, read_timeout_s=self.policy.stall_timeout_s)
        self.ring = ring
        self.status_queue = status_queue
        self.sink_factory = sink_factory
        self.frames_decoded = 0
        self.frames_dropped = 0
        self.reconnects = 0
        self.reports_dropped = 0
        self._status = StreamStatus.CONNECTING
        self._since = utc_now()

    def work(self) -> None:
        for handler in logging.getLogger().handlers:
            handler.addFilter(_RedactPasswords())
        # PyAV then keeps FFmpeg's last error line for its exceptions (the reason in our reports) but
        # passes only fatal messages on to logging: a lossy stream must not flood the log.
        av.logging.set_level(av.logging.FATAL)
        sink = self.sink_factory() if self.sink_factory is not None else None
        if self.analytics is not None:
            from kuzet.adapters.models.loader import load_onnx  # ONNX Runtime only where analytics runs
            from kuzet.ingest.analytics import AnalyticsRunner

            fast_file = not self.source_config.is_live and not self.source_config.realtime
            self._runner = AnalyticsRunner(
                self.analytics, self.analytics_queue, load_onnx, self.snapshot_dir, stream_clock=fast_file
            )
        backoff = Backoff(self.policy)
        self._report(StreamStatus.CONNECTING, f"connecting to {redact(self.source_config.url)}")
        outcome = _Outcome(StreamStatus.STOPPED, "stopped", final=True)
        while not self.stopping:
            outcome = self._connect_once(backoff, sink)
            if outcome.final or self.stopping:
                break
            delay = backoff.next_delay()
            self.reconnects += 1
            self._report(outcome.status, f"{outcome.detail}; retrying in {delay:.1f} s", retry_in_s=delay)
            self.stop_event.wait(delay)
        if self.stopping:
            self._report(StreamStatus.STOPPED, "stopped")
        else:
            self._report(outcome.status, outcome.detail)

    def _connect_once(self, backoff: Backoff, sink: PacketSink | None) -> _Outcome:
        source = StreamSource(self.source_config, packets=sink is not None)
        try:
            source.open()
        except StreamError as exc:
            final = not self.source_config.is_live and exc.status in _FINAL_FOR_FILES
            return _Outcome(exc.status, exc.message, final=final)
        try:
            return self._pump(source, backoff, _SinkGuard(sink, source.video_stream) if sink else None)
        except StreamError as exc:
            return _Outcome(exc.status, exc.message)
        finally:
            source.close()

    def _pump(self, source: StreamSource, backoff: Backoff, sink: _SinkGuard | None) -> _Outcome:
        stall = self.policy.stall_timeout_s
        counted = 0
        next_report = 0.0
        try:
            for item in source.read():
                if self.stopping:
                    return _Outcome(StreamStatus.STOPPED, "stopped", final=True)
                if isinstance(item, SampledFrame):
                    if self.ring is not None and not self.ring.put(item.image, item.wall_time):
                        self.frames_dropped += 1
                    if self._runner is not None:
                        self._runner.feed(item)
                elif sink is not None:
                    sink.write(item)
                now = time.monotonic()
                if source.frames_decoded > counted:
                    self.frames_decoded += source.frames_decoded - counted
                    counted = source.frames_decoded
                    if self._status is not StreamStatus.STREAMING or now >= next_report:
                        backoff.reset()
                        self._report(StreamStatus.STREAMING, f"streaming {source.describe()}")
                        next_report = now + self.policy.health_interval_s
                elif now - source.last_frame_at >= stall:
                    where = redact(self.source_config.url)
                    return _Outcome(StreamStatus.STALLED, f"no frame from {where} for {stall:g} s")
        finally:
            if sink is not None:
                sink.close()
        return self._ended(source)

    def _ended(self, source: StreamSource) -> _Outcome:
        where = redact(self.source_config.url)
        if self.source_config.is_live:
            return _Outcome(StreamStatus.RECONNECTING, f"{where} ended the stream")
        if source.frames_decoded == 0:
            detail = f"{where} has no decodable frame ({source.decode_errors} damaged packets)"
            return _Outcome(StreamStatus.BAD_STREAM, detail, final=True)
        if self.source_config.loop:
            return _Outcome(StreamStatus.RECONNECTING, f"{where} played to the end; playing it again")
        return _Outcome(StreamStatus.ENDED, f"{where} played to the end", final=True)

    def _report(self, status: StreamStatus, detail: str, *, retry_in_s: float | None = None) -> None:
        if status is not self._status:
            self._status, self._since = status, utc_now()
            log.log(logging.WARNING if status.is_failure else logging.INFO, "%s: %s", status.value, detail)
        if self.status_queue is None:
            return
        health = StreamHealth(
            camera_id=self.camera_id,
            status=status,
            detail=detail,
            since=self._since,
            frames_decoded=self.frames_decoded,
            frames_dropped=self.frames_dropped,
            reconnects=self.reconnects,
            retry_in_s=retry_in_s,
        )
        try:
            self.status_queue.put_nowait(health)
        except queue.Full:  # nobody is reading; the next report carries the same counters anyway
            self.reports_dropped += 1


class _SinkGuard:
    """Keeps a failing recorder from taking the analytics down: it is dropped until the next connection."""

    def __init__(self, sink: PacketSink, stream: VideoStream) -> None:
        self._sink: PacketSink | None = sink
        self._call(lambda s: s.open(stream), "open")

    def write(self, packet: Packet) -> None:
        self._call(lambda s: s.write(packet), "write")

    def close(self) -> None:
        self._call(lambda s: s.close(), "close")
        self._sink = None

    def _call(self, action: Callable[[PacketSink], None], what: str) -> None:
        if self._sink is None:
            return
        try:
            action(self._sink)
        except Exception:
            log.exception("packet sink failed to %s; no packets to it until the stream reopens", what)
            self._sink = None
