"""Probing uploads and cutting clips across segments, on real files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuzet.adapters.archive.filesystem import FilesystemArchive
from kuzet.adapters.archive.media import PyAvMedia, sha256_file
from kuzet.domain.archive.model import Segment, TimeRange
from kuzet.services.archive.errors import MediaRejectedError
from kuzet.services.archive.ports import ClipSource
from tests.unit.archive.media import FPS, decoded_frames, duration_seconds, encode_h264

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def archived(camera_video: Path, tmp_path: Path) -> tuple[PyAvMedia, FilesystemArchive, list[Segment]]:
    storage = FilesystemArchive(tmp_path / "archive")
    media = PyAvMedia(storage, segment_seconds=10)
    segments = media.record_file(camera_video, "camera.mp4", "st-1", T0, "u-1")
    return media, storage, segments


def test_an_upload_becomes_segments_anchored_at_its_recording_time(
    archived: tuple[PyAvMedia, FilesystemArchive, list[Segment]],
) -> None:
    _, storage, segments = archived
    assert [(s.start, round(s.seconds, 2)) for s in segments] == [(at(0), 10), (at(10), 10), (at(20), 5)]
    assert all(s.upload_id == "u-1" for s in segments)
    assert all(sha256_file(storage.locate(s.path)) == s.sha256 for s in segments)


@pytest.mark.parametrize(("start", "end"), [(3.5, 17.2), (0, 25), (12.3, 12.9), (21, 40)])
def test_a_clip_across_segments_plays_and_covers_the_range_within_a_gop(
    archived: tuple[PyAvMedia, FilesystemArchive, list[Segment]], tmp_path: Path, start: float, end: float
) -> None:
    media, storage, segments = archived
    wanted = TimeRange(at(start), at(end))
    sources = [ClipSource(s, storage.locate(s.path)) for s in segments if wanted.overlaps(s.start, s.end)]
    info = media.make_clip(sources, wanted, tmp_path / "clip.mp4")
    recorded = min(end, 25) - start
    played = duration_seconds(tmp_path / "clip.mp4")
    assert recorded <= played <= recorded + 1.0  # starts at the keyframe before the range (GOP = 1 s)
    assert info.range.start == at(int(start))  # that keyframe
    assert info.frames == decoded_frames(tmp_path / "clip.mp4") == round(played * FPS)
    assert info.sha256 == sha256_file(tmp_path / "clip.mp4")


def test_no_video_in_the_range_is_said_plainly(
    archived: tuple[PyAvMedia, FilesystemArchive, list[Segment]], tmp_path: Path
) -> None:
    media, storage, segments = archived
    with pytest.raises(MediaRejectedError, match="no recorded video"):
        media.make_clip(
            [ClipSource(segments[0], storage.locate(segments[0].path))],
            TimeRange(at(100), at(110)),
            tmp_path / "clip.mp4",
        )
    assert not (tmp_path / "clip.mp4").exists()


def text_file(folder: Path, _: Path) -> Path:
    (folder / "notes.mp4").write_text("not a video")
    return folder / "notes.mp4"


def truncated(folder: Path, video: Path) -> Path:
    (folder / "cut.mp4").write_bytes(video.read_bytes()[: video.stat().st_size // 2])
    return folder / "cut.mp4"


def empty(folder: Path, _: Path) -> Path:
    (folder / "empty.mp4").write_bytes(b"")
    return folder / "empty.mp4"


def mjpeg(folder: Path, _: Path) -> Path:
    return encode_h264(folder / "old.mkv", 1, codec="mjpeg")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (text_file, "notes.mp4: not a readable video file"),
        (truncated, "cut.mp4: not a readable video file"),
        (empty, "empty.mp4: not a readable video file"),
        (mjpeg, "old.mkv: its video is mjpeg; the archive takes H.264 or H.265"),
    ],
)
def test_probe_refuses_what_is_not_remuxable_video_and_names_the_file(
    camera_video: Path, tmp_path: Path, make: Callable[[Path, Path], Path], message: str
) -> None:
    file = make(tmp_path, camera_video)
    media = PyAvMedia(FilesystemArchive(tmp_path / "archive"))
    with pytest.raises(MediaRejectedError, match=message):
        media.probe(file, file.name)
    assert media.probe(camera_video, "camera.mp4").codec == "h264"
