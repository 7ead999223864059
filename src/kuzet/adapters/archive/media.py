"""Video work on archived files with PyAV, all by remuxing (no re-encode, so no loss and little CPU).

- ``probe``: is an uploaded file video the archive can take? The reason for a refusal names the file.
- ``make_clip``: the packets of a time range, across segments, into one MP4 that starts at the keyframe
  at or before the range (a clip must start decodable) and ends before the first packet past it.
- ``record_file``: an upload through the same ``Recorder`` as live video (same segments, hashes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
from av.packet import Packet
from av.video.stream import VideoStream

from kuzet.domain.archive.model import Segment, TimeRange
from kuzet.ingest.recorder import REMUXABLE_CODECS, Recorder
from kuzet.services.archive.errors import ArchiveFullError, MediaRejectedError
from kuzet.services.archive.ports import ArchiveStorage, ClipInfo, ClipSource, MediaInfo

CLIP_TIME_BASE = Fraction(1, 90_000)


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _reason(exc: av.FFmpegError) -> str:
    return str(exc.strerror or exc).strip().rstrip(".").lower()


@dataclass(slots=True)
class _TimedPacket:
    packet: Packet
    at: datetime  # wall-clock presentation time
    decode_at: datetime


def _timed_packets(source: ClipSource) -> Iterator[_TimedPacket]:
    """A segment's packets with wall-clock times: its first packet is at ``segment.start``."""
    with av.open(str(source.file)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base or CLIP_TIME_BASE
        base: int | None = None
        for packet in container.demux(stream):
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is None or packet.size == 0:
                continue
            base = ts if base is None else base
            dts = packet.dts if packet.dts is not None else ts
            yield _TimedPacket(
                packet,
                source.segment.start + timedelta(seconds=float((ts - base) * time_base)),
                source.segment.start + timedelta(seconds=float((dts - base) * time_base)),
            )


def _clip_packets(sources: Sequence[ClipSource], wanted: TimeRange) -> Iterator[_TimedPacket]:
    """The packets from the last keyframe at or before ``wanted.start`` to the end of ``wanted``."""
    gop: list[_TimedPacket] = []
    started = False
    for source in sources:
        for timed in _timed_packets(source):
            if started and timed.decode_at >= wanted.end:
                return
            if not started:
                if timed.packet.is_keyframe:
                    gop = []
                gop.append(timed)
                if timed.at < wanted.start or not gop[0].packet.is_keyframe:
                    continue
                started = True
                yield from gop
                continue
            yield timed


class PyAvMedia:
    """The ``ArchiveMedia`` port with PyAV; uploads are cut into ``segment_seconds`` segments."""

    def __init__(self, storage: ArchiveStorage, segment_seconds: float = 10.0) -> None:
        self._storage = storage
        self._segment_seconds = segment_seconds

    def probe(self, file: Path, name: str) -> MediaInfo:
        try:
            with av.open(str(file)) as container:
                if not container.streams.video:
                    raise MediaRejectedError(f"{name}: has no video stream")
                stream = container.streams.video[0]
                codec = stream.codec_context.name
                if codec not in REMUXABLE_CODECS:
                    raise MediaRejectedError(
                        f"{name}: its video is {codec}; the archive takes H.264 or H.265 without re-encoding"
                    )
                if next(container.decode(stream), None) is None:
                    raise MediaRejectedError(f"{name}: no picture in it can be decoded")
                seconds = container.duration / 1_000_000 if container.duration else 0.0
                return MediaInfo(codec, stream.width, stream.height, seconds)
        except av.FFmpegError as exc:
            raise MediaRejectedError(f"{name}: not a readable video file ({_reason(exc)})") from None

    def make_clip(self, sources: Sequence[ClipSource], wanted: TimeRange, target: Path) -> ClipInfo:
        first: _TimedPacket | None = None
        last_end: datetime | None = None
        frames = 0
        with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as output:
            stream: VideoStream | None = None
            last_dts = -1
            for timed in _clip_packets(sources, wanted):
                if stream is None:
                    template = timed.packet.stream
                    assert isinstance(template, VideoStream)
                    stream, first = output.add_stream_from_template(template), timed
                assert first is not None
                duration = float((timed.packet.duration or 0) * timed.packet.time_base)
                pts = round((timed.at - first.at).total_seconds() / CLIP_TIME_BASE)
                dts = max(round((timed.decode_at - first.at).total_seconds() / CLIP_TIME_BASE), last_dts + 1)
                timed.packet.pts, timed.packet.dts = max(pts, dts), dts
                timed.packet.duration = round(duration / CLIP_TIME_BASE)
                timed.packet.time_base, timed.packet.stream = CLIP_TIME_BASE, stream
                output.mux(timed.packet)
                last_dts, frames = dts, frames + 1
                end = timed.at + timedelta(seconds=duration)
                last_end = end if last_end is None else max(last_end, end)
        if first is None or last_end is None:
            target.unlink(missing_ok=True)
            raise MediaRejectedError(f"no recorded video between {wanted.start} and {wanted.end}")
        covered = TimeRange(first.at, max(last_end, first.at + timedelta(microseconds=1)))
        return ClipInfo(sha256_file(target), target.stat().st_size, covered, frames)

    def record_file(
        self, file: Path, name: str, camera_id: str, recorded_at: datetime, upload_id: str
    ) -> list[Segment]:
        segments: list[Segment] = []
        recorder = Recorder(
            camera_id,
            self._storage,
            segments.append,
            segment_seconds=self._segment_seconds,
            recorded_at=recorded_at,
            upload_id=upload_id,
        )
        try:
            self._remux(file, name, recorder)
        except BaseException:
            for segment in segments:
                self._storage.delete(segment.path)
            raise
        return segments

    def _remux(self, file: Path, name: str, recorder: Recorder) -> None:
        try:
            with av.open(str(file)) as container:
                recorder.open(container.streams.video[0])
                for packet in container.demux(container.streams.video[0]):
                    recorder.write(packet)
        except av.FFmpegError as exc:
            raise MediaRejectedError(f"{name}: the video breaks off ({_reason(exc)})") from None
        finally:
            recorder.close()
        if recorder.status.storage_errors:
            raise ArchiveFullError(f"{name}: not archived: {recorder.status.last_storage_error}")
        if recorder.status.segments == 0:
            raise MediaRejectedError(f"{name}: has no keyframe to start the video from")
