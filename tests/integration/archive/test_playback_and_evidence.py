"""Playback and evidence export: audited with reason and case, tenant-scoped, and integrity-checked."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuzet.adapters.archive.bundle import verify_bundle
from kuzet.bootstrap import Kuzet
from kuzet.domain.archive.model import TimeRange
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.archive.errors import ArchiveIntegrityError, ReasonRequiredError
from kuzet.services.archive.evidence import EvidenceRequest
from kuzet.services.archive.segments import EVERYTHING
from kuzet.services.context import Actor
from tests.integration.archive.conftest import outbox_types, record
from tests.unit.archive.media import duration_seconds, flip_byte

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
WANTED = TimeRange(T0 + timedelta(seconds=3.5), T0 + timedelta(seconds=17.2))
OPERATOR = Actor("operator", reason="incident review", case_number="K-2026/17")


def test_playback_is_audited_with_the_range_reason_and_case(archive_app: Kuzet, camera_video: Path) -> None:
    segments = record(archive_app, "st-1", camera_video, T0)
    playlist = archive_app.archive.playback.playlist(
        "st-1", WANTED, EVERYTHING, OPERATOR, lambda s: f"/seg/{s.id}.ts"
    )
    assert [line for line in playlist.splitlines() if line.startswith("/seg/")] == [
        f"/seg/{s.id}.ts" for s in segments[:2]
    ]
    entry = archive_app.audit.recent(1)[0].entry
    assert (entry.actor, entry.action, entry.target) == ("operator", "play_back_archive", "camera:st-1")
    assert (entry.reason, entry.case_number) == ("incident review", "K-2026/17")
    assert (entry.details["start"], entry.details["segments"]) == (WANTED.start.isoformat(), "2")


def test_a_tenant_cannot_play_back_another_camera(archive_app: Kuzet, camera_video: Path) -> None:
    record(archive_app, "st-1", camera_video, T0)
    with pytest.raises(NotFoundError, match="camera 'st-1' not found"):
        archive_app.archive.playback.segments("st-1", WANTED, TenantScope("magnum-1"), OPERATOR)


def test_an_export_needs_a_reason_and_is_a_signed_bundle_that_verifies(
    archive_app: Kuzet, camera_video: Path, tmp_path: Path
) -> None:
    segments = record(archive_app, "st-1", camera_video, T0)
    evidence = archive_app.archive.evidence
    with pytest.raises(ReasonRequiredError, match="needs a reason"):
        evidence.export(EvidenceRequest("st-1", WANTED, "K-2026/17", "  "), OPERATOR, EVERYTHING)

    made = evidence.export(
        EvidenceRequest("st-1", WANTED, "K-2026/17", "court request", "Almaty court"),
        Actor("sup"),
        EVERYTHING,
    )
    bundle = archive_app.archive.storage.locate(made.bundle_path)
    report = verify_bundle(bundle)
    assert report.intact, report.problems
    assert report.manifest is not None
    assert [s.sha256 for s in report.manifest.segments] == [s.sha256 for s in segments[:2]]
    with zipfile.ZipFile(bundle) as z:
        z.extract("clip.mp4", tmp_path)
    assert WANTED.seconds <= duration_seconds(tmp_path / "clip.mp4") <= WANTED.seconds + 1.0
    entry = archive_app.audit.recent(1)[0].entry
    assert (entry.actor, entry.action, entry.reason, entry.case_number) == (
        "sup",
        "export_evidence",
        "court request",
        "K-2026/17",
    )
    assert entry.details["export_id"] == made.id
    assert [e.id for e in evidence.list("K-2026/17")] == [made.id]
    assert "EvidenceExported" in outbox_types(archive_app)


def test_a_tampered_segment_stops_the_export_and_leaves_nothing(
    archive_app: Kuzet, camera_video: Path
) -> None:
    segments = record(archive_app, "st-1", camera_video, T0)
    flip_byte(archive_app.archive.storage.locate(segments[1].path))
    with pytest.raises(ArchiveIntegrityError, match="no longer matches the hash recorded"):
        archive_app.archive.evidence.export(
            EvidenceRequest("st-1", WANTED, "K-1", "court"), Actor("sup"), EVERYTHING
        )
    assert archive_app.archive.evidence.list() == []
    root = archive_app.archive.storage.root
    assert not [p for p in (root / "_evidence").rglob("*") if p.is_file()]
    assert not list((root / "_scratch").iterdir())
