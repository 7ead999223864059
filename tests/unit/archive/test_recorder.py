"""The recorder on real H.264: ~10 s keyframe-aligned segments, hashes of what was written, no loss.

A full disk cannot be made here without root, so ``QuotaArchive`` writes through to real files until
its quota and then fails the way the kernel does (``OSError(ENOSPC)``).
"""

from __future__ import annotations

import errno
import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import pytest

from kuzet.adapters.archive.filesystem import FilesystemArchive, HashingSegmentFile
from kuzet.domain.archive.model import Segment
from kuzet.ingest.recorder import Recorder, RecorderState
from kuzet.ingest.worker import PacketSink
from tests.unit.archive.media import FPS, decoded_frames, encode_h264, first_packet_is_keyframe

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)


def feed(recorder: Recorder, video: Path, until_s: float | None = None) -> None:
    """Demux ``video`` into the recorder, as a worker does; stop early to play a dying stream."""
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        recorder.open(stream)
        for packet in container.demux(stream):
            seconds = (packet.pts or 0) * (stream.time_base or 0)
            if until_s is not None and seconds >= until_s:
                break
            recorder.write(packet)


def record(video: Path, root: Path, segment_seconds: float = 10.0) -> list[Segment]:
    segments: list[Segment] = []
    recorder = Recorder(
        "st-1", FilesystemArchive(root), segments.append, segment_seconds=segment_seconds, recorded_at=T0
    )
    feed(recorder, video)
    recorder.close()
    return segments


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_segments_are_ten_seconds_keyframe_aligned_and_hashed_as_written(
    camera_video: Path, tmp_path: Path
) -> None:
    segments = record(camera_video, tmp_path)
    assert [round(s.seconds, 2) for s in segments] == [10.0, 10.0, 5.0]
    assert [s.keyframe_aligned for s in segments] == [True, True, False]  # the last: the stream ended
    assert [s.start for s in segments] == [T0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=20)]
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    assert segments[0].path == "st-1/2026-01-03/10-00-00.000.ts"
    for s in segments:
        file = tmp_path / s.path
        assert sha256(file) == s.sha256
        assert file.stat().st_size == s.size
        assert first_packet_is_keyframe(file)  # each segment plays on its own
    assert sum(decoded_frames(tmp_path / s.path) for s in segments) == 25 * FPS  # nothing lost
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize(("gop_s", "target_s", "expected_s"), [(2, 5, 6), (3, 10, 12), (1, 4, 4)])
def test_a_segment_is_cut_at_the_first_keyframe_after_the_target(
    tmp_path: Path, gop_s: float, target_s: float, expected_s: float
) -> None:
    video = encode_h264(tmp_path / "gop.mp4", seconds=2 * expected_s + 1, gop_seconds=gop_s)
    segments = record(video, tmp_path / "archive", segment_seconds=target_s)
    assert [round(s.seconds, 2) for s in segments[:2]] == [expected_s, expected_s]


def test_a_stream_dying_mid_segment_leaves_a_finished_indexed_partial(
    camera_video: Path, tmp_path: Path
) -> None:
    segments: list[Segment] = []
    arrivals = iter([T0, T0 + timedelta(seconds=10.3)])  # when each segment's first keyframe came in
    recorder = Recorder("st-1", FilesystemArchive(tmp_path), segments.append, clock=arrivals.__next__)
    feed(recorder, camera_video, until_s=13.6)  # the camera went away here
    recorder.close()
    assert [round(s.seconds, 2) for s in segments] == [10.0, 3.6]
    assert segments[1].start == T0 + timedelta(seconds=10)  # the stream's clock, within the drift allowed
    partial = segments[1]
    assert not partial.keyframe_aligned
    assert sha256(tmp_path / partial.path) == partial.sha256
    assert decoded_frames(tmp_path / partial.path) == round(3.6 * FPS)
    assert recorder.status.state is RecorderState.CLOSED


def test_a_live_stream_whose_clock_drifts_is_anchored_again(camera_video: Path, tmp_path: Path) -> None:
    segments: list[Segment] = []
    arrivals = iter([T0, T0 + timedelta(seconds=14), T0 + timedelta(seconds=24)])  # the camera runs slow
    recorder = Recorder("st-1", FilesystemArchive(tmp_path), segments.append, clock=arrivals.__next__)
    feed(recorder, camera_video)
    recorder.close()
    assert [s.start for s in segments] == [T0 + timedelta(seconds=t) for t in (0, 14, 24)]
    assert all(a.end <= b.start for a, b in itertools.pairwise(segments))


class QuotaArchive(FilesystemArchive):
    """A disk that holds ``quota`` more bytes, then is full (until ``quota`` is raised)."""

    def __init__(self, root: Path, quota: int) -> None:
        super().__init__(root)
        self.quota = quota

    def create_segment(self, camera_id: str, start: datetime) -> HashingSegmentFile:
        disk = self
        file = super().create_segment(camera_id, start)

        class _File(HashingSegmentFile):
            def write(self, data: bytes) -> int:
                room = max(disk.quota, 0)
                if len(data) > room:
                    super().write(data[:room])
                    disk.quota = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.quota -= len(data)
                return super().write(data)

        file.__class__ = _File
        return file


def test_a_full_disk_is_reported_keeps_what_was_written_and_recording_resumes(
    camera_video: Path, tmp_path: Path
) -> None:
    segments: list[Segment] = []
    disk = QuotaArchive(tmp_path, quota=260_000)  # room for a segment and a half
    recorder = Recorder("st-1", disk, segments.append, recorded_at=T0)
    with av.open(str(camera_video)) as container:
        stream = container.streams.video[0]
        recorder.open(stream)
        packets = [p for p in container.demux(stream) if p.size]
        for packet in packets[:400]:  # 16 s: the disk fills during the second segment
            recorder.write(packet)  # never raises
        full = recorder.status
        disk.quota = 10**9  # the sweeper freed space
        for packet in packets[400:]:
            recorder.write(packet)
    recorder.close()
    assert full.state is RecorderState.DISK_FULL
    assert "disk is full" in full.detail
    assert full.dropped_packets > 0
    first, partial, *resumed = segments
    assert (first.keyframe_aligned, partial.keyframe_aligned) == (True, False)
    assert sha256(tmp_path / partial.path) == partial.sha256  # the hash is of what reached the disk
    assert resumed, "recording resumed once there was space"
    assert resumed[0].start >= T0 + timedelta(seconds=16)
    assert recorder.status.storage_errors >= 1  # each keyframe retried while the disk was full


def test_segments_wait_for_an_index_that_is_away_and_arrive_in_order(
    camera_video: Path, tmp_path: Path
) -> None:
    indexed: list[Segment] = []
    calls = 0

    def index(segment: Segment) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database restarting")
        indexed.append(segment)

    recorder = Recorder("st-1", FilesystemArchive(tmp_path), index, recorded_at=T0)
    with av.open(str(camera_video)) as container:
        stream = container.streams.video[0]
        recorder.open(stream)
        for n, packet in enumerate(container.demux(stream)):
            if n == 15 * FPS:
                assert recorder.status.unindexed == 1  # kept while the index is away
            recorder.write(packet)
    assert recorder.status.unindexed == 0  # the next finished segment took both
    recorder.close()
    assert [s.start for s in indexed] == [T0 + timedelta(seconds=s) for s in (0, 10, 20)]


def test_video_that_cannot_be_remuxed_is_reported_not_recorded(tmp_path: Path) -> None:
    mjpeg = encode_h264(tmp_path / "mjpeg.mkv", seconds=2, codec="mjpeg")
    segments: list[Segment] = []
    recorder = Recorder("st-1", FilesystemArchive(tmp_path / "archive"), segments.append)
    feed(recorder, mjpeg)
    assert recorder.status.state is RecorderState.UNSUPPORTED
    assert "mjpeg cannot be archived without re-encoding" in recorder.status.detail
    recorder.close()
    assert segments == []
    assert not (tmp_path / "archive").exists()


def test_the_recorder_is_the_workers_packet_sink(tmp_path: Path) -> None:
    sink: PacketSink = Recorder(
        "st-1", FilesystemArchive(tmp_path), list[Segment]().append
    )  # checked by mypy
    sink.close()
