"""Archive verification names tampered and vanished segments; uploads are all or nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuzet.bootstrap import Kuzet
from kuzet.errors import NotFoundError
from kuzet.services.archive.errors import MediaRejectedError
from kuzet.services.archive.segments import EVERYTHING
from kuzet.services.archive.uploads import UploadRequest
from kuzet.services.context import Actor
from tests.integration.archive.conftest import outbox_types, record
from tests.unit.archive.media import flip_byte

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
OFFICER = Actor("operator", reason="shift footage")


def test_verify_names_a_flipped_byte_and_a_vanished_file(archive_app: Kuzet, camera_video: Path) -> None:
    segments = record(archive_app, "st-1", camera_video, T0)
    record(archive_app, "bc-1", camera_video, T0)
    assert archive_app.archive.verifier.verify(OFFICER).intact

    flip_byte(archive_app.archive.storage.locate(segments[1].path))
    archive_app.archive.storage.locate(segments[2].path).unlink()
    checked: list[str] = []
    report = archive_app.archive.verifier.verify(OFFICER, progress=lambda s: checked.append(s.path))

    assert report.segments_checked == len(checked) == 6
    problems = [str(p) for p in report.problems]
    assert len(problems) == 2
    assert problems[0].startswith(f"{segments[1].path}: changed (sha256 ")
    assert problems[1].startswith(f"{segments[2].path}: vanished")
    only_body_cam = archive_app.archive.verifier.verify(OFFICER, camera_id="bc-1")
    assert only_body_cam.intact
    assert only_body_cam.segments_checked == 3
    audit = archive_app.audit.recent(1)[0].entry
    assert (audit.action, audit.target, audit.details["segments"]) == ("verify_archive", "camera:bc-1", "3")


def upload(kuzet: Kuzet, file: Path, camera_id: str = "bc-1") -> object:
    request = UploadRequest(camera_id, "Sgt. Nurlan", "PPS-3", T0, file.name)
    with open(file, "rb") as source:
        return kuzet.archive.uploads.upload(source, request, OFFICER, EVERYTHING)


def test_an_upload_is_archived_in_hashed_segments_and_audited(archive_app: Kuzet, camera_video: Path) -> None:
    stored = upload(archive_app, camera_video)
    original = hashlib.sha256(camera_video.read_bytes()).hexdigest()
    assert getattr(stored, "sha256", None) == original
    with archive_app.uow() as uow:
        segments = uow.segments.in_range("bc-1", T0, T0 + timedelta(hours=1))
    assert [s.start for s in segments] == [T0 + timedelta(seconds=s) for s in (0, 10, 20)]
    assert {s.upload_id for s in segments} == {getattr(stored, "id", None)}
    entry = archive_app.audit.recent(1)[0].entry
    assert (entry.action, entry.target, entry.details["sha256"], entry.details["officer"]) == (
        "upload_footage",
        "camera:bc-1",
        original,
        "Sgt. Nurlan",
    )
    assert "FootageUploaded" in outbox_types(archive_app)


def test_a_corrupt_upload_is_refused_by_name_and_nothing_is_stored(
    archive_app: Kuzet, tmp_path: Path
) -> None:
    bad = tmp_path / "bodycam_0042.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 1000)
    with pytest.raises(MediaRejectedError, match=r"bodycam_0042\.mp4: not a readable video file"):
        upload(archive_app, bad)
    with archive_app.uow() as uow:
        assert uow.segments.totals().segments == 0
    root = archive_app.archive.storage.root
    assert [p for p in root.rglob("*") if p.is_file()] == []
    assert "FootageUploaded" not in outbox_types(archive_app)


def test_an_upload_for_an_unknown_camera_is_refused(archive_app: Kuzet, camera_video: Path) -> None:
    with pytest.raises(NotFoundError, match="camera 'bc-9' not found; register the body cam"):
        upload(archive_app, camera_video, camera_id="bc-9")
