"""The recorder: remux a camera's H.264/H.265 packets into ~10 s archive segments, never re-encoding.

Why it looks like this:

- Segments are MPEG-TS: a TS needs no index written at the end, so a stream that dies leaves a
  playable file; TS files concatenate byte for byte and are what an HLS playlist lists directly.
- A segment starts at a keyframe and is cut at the first keyframe after ``segment_seconds``, so every
  segment decodes on its own and playback can start at any of them.
- The SHA-256 is computed on the bytes as they are written (``SegmentFile.write``), so the index holds
  the hash of what reached the disk, not of a later re-read that could already be tampered with.
- Nothing recorded is lost: closing mid-segment (the stream died, the worker stops) finishes and
  indexes the partial segment; a full disk finishes what was written, reports ``disk_full`` and retries
  at the next keyframe, and never raises into the worker. An index that is briefly unreachable gets the
  finished segments again with the next one.

Example (``worker`` drives it as its ``PacketSink``)::

    recorder = Recorder("st-001", FilesystemArchive(Path("var/archive")), indexer.index)
    recorder.open(container.streams.video[0])
    for packet in container.demux(video=0):
        recorder.write(packet)
    recorder.close()
"""

from __future__ import annotations

import contextlib
import errno
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

import av
from av.container import OutputContainer
from av.packet import Packet
from av.video.stream import VideoStream

from kuzet.domain.archive.model import Segment
from kuzet.domain.messages import utc_now
from kuzet.services.archive.ports import ArchiveStorage, SegmentFile

log = logging.getLogger(__name__)

REMUXABLE_CODECS = frozenset({"h264", "hevc"})
SEGMENT_FORMAT = "mpegts"
DEFAULT_TIME_BASE = Fraction(1, 90_000)  # RTP's video clock, for a stream that does not say
MAX_DRIFT = timedelta(seconds=2)
SegmentIndex = Callable[[Segment], object]


class RecorderState(StrEnum):
    IDLE = "idle"
    RECORDING = "recording"
    DISK_FULL = "disk_full"
    WRITE_FAILED = "write_failed"
    UNSUPPORTED = "unsupported"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class RecorderStatus:
    """What the recorder of one camera is doing, for the worker's health report."""

    camera_id: str
    state: RecorderState
    detail: str
    since: datetime
    segments: int = 0
    bytes: int = 0
    dropped_packets: int = 0
    unindexed: int = 0
    storage_errors: int = 0
    last_storage_error: str = ""


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Maps a stream timestamp to wall-clock time from one anchor (``ts`` was at ``at``)."""

    ts: int
    at: datetime
    time_base: Fraction

    def wall(self, ts: int) -> datetime:
        return self.at + timedelta(seconds=float((ts - self.ts) * self.time_base))


def _close_quietly(container: OutputContainer) -> None:
    with contextlib.suppress(OSError, av.FFmpegError):
        container.close()


@dataclass(slots=True, weakref_slot=True)
class _OpenSegment:
    """A segment being written. If it is dropped unfinished (the worker died), its muxer is closed:
    PyAV crashes the process when it frees a muxer that writes to a Python file and was never closed.
    """

    file: SegmentFile
    container: OutputContainer
    stream: VideoStream
    start_ts: int
    start: datetime
    end_ts: int
    last_ts: int
    last_dts: int | None = None
    frame_ts: int = 0
    packets: int = 0


@dataclass(slots=True)
class _Counters:
    segments: int = 0
    bytes: int = 0
    dropped: int = 0
    storage_errors: int = 0


@dataclass(slots=True)
class _State:
    state: RecorderState = RecorderState.IDLE
    detail: str = "not started"
    since: datetime = field(default_factory=utc_now)


class Recorder:
    """A ``PacketSink`` that archives one camera's packets as hashed, indexed segments.

    ``recorded_at`` anchors the timeline of a file (an upload); without it the first keyframe is
    stamped with ``clock()``. ``on_segment`` receives every finished segment, in order.
    """

    def __init__(
        self,
        camera_id: str,
        storage: ArchiveStorage,
        on_segment: SegmentIndex,
        *,
        segment_seconds: float = 10.0,
        clock: Callable[[], datetime] = utc_now,
        recorded_at: datetime | None = None,
        upload_id: str | None = None,
    ) -> None:
        self.camera_id = camera_id
        self._storage = storage
        self._on_segment = on_segment
        self._segment_seconds = Fraction(segment_seconds)
        self._clock = clock
        self._recorded_at = recorded_at
        self._upload_id = upload_id
        self._template: VideoStream | None = None
        self._time_base = DEFAULT_TIME_BASE
        self._timeline: _Timeline | None = None
        self._segment: _OpenSegment | None = None
        self._last_end: datetime | None = None
        self._last_end_ts: int | None = None
        self._pending: list[Segment] = []
        self._counters = _Counters()
        self._state = _State()
        self._last_storage_error = ""

    @property
    def status(self) -> RecorderStatus:
        return RecorderStatus(
            camera_id=self.camera_id,
            state=self._state.state,
            detail=self._state.detail,
            since=self._state.since,
            segments=self._counters.segments,
            bytes=self._counters.bytes,
            dropped_packets=self._counters.dropped,
            unindexed=len(self._pending),
            storage_errors=self._counters.storage_errors,
            last_storage_error=self._last_storage_error,
        )

    @property
    def unindexed(self) -> tuple[Segment, ...]:
        """Finished segments the index has not taken yet (it failed; they are retried)."""
        return tuple(self._pending)

    def open(self, template: VideoStream) -> None:
        """Start (or, after a reconnect, restart) recording packets of the stream ``template``."""
        if self._segment is not None:
            self._finish(aligned=False)
        self._template, self._timeline, self._last_end_ts = template, None, None
        self._time_base = template.time_base or DEFAULT_TIME_BASE
        codec = template.codec_context.name
        if codec not in REMUXABLE_CODECS:
            self._set(RecorderState.UNSUPPORTED, f"{codec} cannot be archived without re-encoding")
        else:
            self._set(RecorderState.RECORDING, f"waiting for a keyframe of {codec}")

    def write(self, packet: Packet) -> None:
        """Archive one packet; never raises for stream or disk trouble (see ``status``)."""
        if self._template is None:
            raise RuntimeError("Recorder.write() before open()")
        if packet.size == 0:
            return  # the demuxer's end-of-stream marker
        ts = packet.pts if packet.pts is not None else packet.dts
        if ts is None or self._state.state is RecorderState.UNSUPPORTED:
            self._counters.dropped += 1  # a packet without a time cannot be placed in the archive
            return
        segment = self._segment
        if segment is not None and packet.is_keyframe and self._is_due(segment, ts):
            self._finish(aligned=True)
        if self._segment is None and not (packet.is_keyframe and self._start(ts)):
            self._counters.dropped += 1
            return
        self._mux(packet, ts)

    def close(self) -> None:
        """Finish and index the segment in progress (partial or not); the recorder can be reopened."""
        if self._segment is not None:
            self._finish(aligned=False)
        self._flush_index()
        if self._pending:
            paths = ", ".join(s.path for s in self._pending)
            log.error(
                "camera %s: %d segment(s) left unindexed: %s", self.camera_id, len(self._pending), paths
            )
        self._template = None
        self._set(RecorderState.CLOSED, f"{self._counters.segments} segment(s) recorded")

    def _is_due(self, segment: _OpenSegment, ts: int) -> bool:
        return (ts - segment.start_ts) * self._time_base >= self._segment_seconds

    def _wall(self, ts: int) -> datetime:
        """Wall-clock time of a segment's first packet.

        Anchored at the first keyframe (``recorded_at`` or now), then derived from the stream's clock;
        a live stream is anchored again when the camera's clock jumps back or drifts from ours.
        """
        live = self._recorded_at is None
        now = self._clock() if live else self._recorded_at
        assert now is not None
        backwards = self._last_end_ts is not None and ts < self._last_end_ts
        timeline = self._timeline
        drifted = live and timeline is not None and abs(timeline.wall(ts) - now) > MAX_DRIFT
        if timeline is None or backwards or drifted:
            at = now if self._last_end is None else max(now, self._last_end)
            timeline = self._timeline = _Timeline(ts, at, self._time_base)
        return timeline.wall(ts)

    def _start(self, ts: int) -> bool:
        assert self._template is not None
        start = self._wall(ts)
        try:
            file = self._storage.create_segment(self.camera_id, start)
        except OSError as exc:
            self._storage_failed(exc)
            return False
        container = av.open(file, "w", format=SEGMENT_FORMAT)
        stream = container.add_stream_from_template(self._template)
        self._segment = _OpenSegment(file, container, stream, ts, start, ts, ts)
        weakref.finalize(self._segment, _close_quietly, container)
        return True

    def _mux(self, packet: Packet, ts: int) -> None:
        segment = self._segment
        assert segment is not None
        if packet.dts is not None and segment.last_dts is not None and packet.dts <= segment.last_dts:
            self._counters.dropped += 1  # muxers refuse a decode time that does not increase
            return
        dts, duration = packet.dts, packet.duration  # muxing rescales the packet in place
        packet.stream = segment.stream
        try:
            segment.container.mux(packet)
        except (OSError, av.FFmpegError) as exc:
            if isinstance(exc, av.FFmpegError) and getattr(exc, "errno", None) != errno.ENOSPC:
                self._counters.dropped += 1
                log.warning("camera %s: packet refused by the muxer: %s", self.camera_id, exc)
                return
            self._storage_failed(exc)
            return
        if segment.packets == 0:
            self._set(RecorderState.RECORDING, f"recording {segment.stream.codec_context.name}")
        segment.packets += 1
        if ts > segment.last_ts:
            segment.frame_ts = ts - segment.last_ts
            segment.last_ts = ts
        segment.last_dts = dts
        segment.end_ts = max(segment.end_ts, ts + (duration or segment.frame_ts))

    def _finish(self, aligned: bool) -> None:
        segment, self._segment = self._segment, None
        assert segment is not None
        try:
            segment.container.close()
        except (OSError, av.FFmpegError) as exc:
            self._keep(segment, aligned=False)
            self._report_storage(exc)
            return
        self._keep(segment, aligned)

    def _storage_failed(self, exc: BaseException) -> None:
        """The disk refused a write: keep what reached it, report, and retry at the next keyframe."""
        segment, self._segment = self._segment, None
        if segment is not None:
            _close_quietly(segment.container)  # flushing fails again; what reached the disk stays
            self._keep(segment, aligned=False)
        self._report_storage(exc)

    def _report_storage(self, exc: BaseException) -> None:
        self._counters.storage_errors += 1
        full = getattr(exc, "errno", None) == errno.ENOSPC
        state = RecorderState.DISK_FULL if full else RecorderState.WRITE_FAILED
        detail = "archive disk is full" if full else f"cannot write to the archive: {exc}"
        self._last_storage_error = detail
        if self._state.state is not state:
            log.error("camera %s: %s; recording resumes when it can write", self.camera_id, detail)
        self._set(state, f"{detail}; {self._counters.dropped} packet(s) dropped so far")

    def _keep(self, segment: _OpenSegment, aligned: bool) -> None:
        """Give the file its final name and index it; a file with nothing in it is removed."""
        if segment.file.size == 0:
            segment.file.discard()
            return
        try:
            segment.file.commit()
        except OSError as exc:
            log.error("camera %s: cannot finish %s: %s", self.camera_id, segment.file.path, exc)
            segment.file.discard()
            return
        assert self._timeline is not None
        end = self._timeline.wall(segment.end_ts)
        self._last_end, self._last_end_ts = end, segment.end_ts
        self._counters.segments += 1
        self._counters.bytes += segment.file.size
        self._pending.append(
            Segment(
                camera_id=self.camera_id,
                start=segment.start,
                end=end,
                path=segment.file.path,
                size=segment.file.size,
                sha256=segment.file.sha256,
                keyframe_aligned=aligned,
                upload_id=self._upload_id,
            )
        )
        self._flush_index()

    def _flush_index(self) -> None:
        while self._pending:
            try:
                self._on_segment(self._pending[0])
            except Exception as exc:  # the index (a database) may be away; keep the segment and go on
                log.warning("camera %s: segment not indexed yet: %s", self.camera_id, exc)
                return
            self._pending.pop(0)

    def _set(self, state: RecorderState, detail: str) -> None:
        if state is not self._state.state:
            self._state.since = utc_now()
        self._state.state, self._state.detail = state, detail
