"""Retention and disk pressure delete old unheld video; a legal hold keeps evidence through both."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from kuzet.bootstrap import Kuzet
from kuzet.domain.archive.model import PlaceLegalHold, ReleaseLegalHold, Segment, TimeRange
from kuzet.domain.messages import utc_now
from kuzet.services.archive.legal_holds import hold_actor
from kuzet.services.archive.retention import ArchiveRetention
from kuzet.services.context import Actor
from tests.integration.archive.conftest import outbox_types, record

SUPERVISOR = Actor("supervisor")


def hold(kuzet: Kuzet, camera_id: str, start: datetime, end: datetime, case: str = "K-2026/17") -> str:
    command = PlaceLegalHold(
        camera_id=camera_id, range=TimeRange(start, end), case_number=case, reason="robbery", placed_by="sup"
    )
    placed = kuzet.messagebus.handle(command, hold_actor(SUPERVISOR, case, "robbery"))
    return str(getattr(placed, "id", ""))


def on_disk(kuzet: Kuzet, segments: list[Segment]) -> list[bool]:
    return [kuzet.archive.storage.locate(s.path).exists() for s in segments]


def indexed_ids(kuzet: Kuzet) -> set[int | None]:
    with kuzet.uow() as uow:
        return {s.id for s in uow.segments.page(0, 1000)}


def test_the_sweeper_deletes_expired_video_but_not_what_a_hold_covers(
    archive_app: Kuzet, camera_video: Path
) -> None:
    now = utc_now()
    old = record(archive_app, "st-1", camera_video, now - timedelta(days=100))
    recent = record(archive_app, "st-1", camera_video, now - timedelta(days=10))
    hold_id = hold(
        archive_app, "st-1", old[1].start + timedelta(seconds=2), old[1].start + timedelta(seconds=3)
    )

    report = archive_app.archive.retention.sweep()

    assert (report.deleted, report.kept_by_hold, report.files_missing) == (2, 1, 0)
    assert report.bytes == old[0].size + old[2].size
    assert on_disk(archive_app, old) == [False, True, False]
    assert all(on_disk(archive_app, recent))
    assert indexed_ids(archive_app) == {old[1].id} | {s.id for s in recent}
    swept = [r.entry for r in archive_app.audit.recent(20) if r.entry.action == "expire_archive_segments"]
    assert [(e.actor, e.target, e.details["segments"]) for e in swept] == [
        ("system:archive-sweeper", "camera:st-1", "2")
    ]
    assert "ArchiveSegmentsExpired" in outbox_types(archive_app)

    release = ReleaseLegalHold(hold_id=hold_id, reason="case closed", released_by="sup")
    archive_app.messagebus.handle(release, hold_actor(SUPERVISOR, "K-2026/17", "case closed"))
    released = archive_app.audit.recent(5)[0].entry
    assert (released.action, released.case_number, released.reason) == (
        "release_legal_hold",
        "K-2026/17",
        "case closed",
    )
    assert archive_app.archive.retention.sweep().deleted == 1
    assert on_disk(archive_app, old) == [False, False, False]
    assert archive_app.audit.verify().intact


def retention_with_quota(kuzet: Kuzet, quota: int) -> ArchiveRetention:
    return ArchiveRetention(
        uow_factory=kuzet.uow,
        storage=kuzet.archive.storage,
        rules=kuzet.archive.retention.rules,
        min_free_bytes=0,
        max_archive_bytes=quota,
    )


def test_disk_pressure_evicts_the_oldest_unheld_video_and_never_held_evidence(
    archive_app: Kuzet, camera_video: Path
) -> None:
    now = utc_now()
    street = record(archive_app, "st-1", camera_video, now - timedelta(days=3))
    body_cam = record(archive_app, "bc-1", camera_video, now - timedelta(days=2))
    hold(archive_app, "st-1", street[0].start, street[0].end)  # the oldest segment is evidence
    used = sum(s.size for s in street + body_cam)

    report = retention_with_quota(archive_app, used - street[1].size).relieve_pressure()

    assert report is not None
    assert (report.evicted_segments, report.evicted_bytes, report.relieved) == (1, street[1].size, True)
    assert on_disk(archive_app, street) == [True, False, True]  # the held oldest stays; the next goes
    assert all(on_disk(archive_app, body_cam))
    assert "ArchiveDiskPressure" in outbox_types(archive_app)

    worst = retention_with_quota(archive_app, 1).relieve_pressure()  # only held video would fit: none
    assert worst is not None
    assert not worst.relieved
    assert on_disk(archive_app, street) == [True, False, False]
    assert not any(on_disk(archive_app, body_cam))
    assert indexed_ids(archive_app) == {street[0].id}
    evictions = [r.entry for r in archive_app.audit.recent(20) if r.entry.action == "evict_archive_segments"]
    assert {e.actor for e in evictions} == {"system:archive-eviction"}


def test_no_pressure_no_eviction(archive_app: Kuzet, camera_video: Path) -> None:
    segments = record(archive_app, "st-1", camera_video, utc_now())
    assert retention_with_quota(archive_app, 10**12).relieve_pressure() is None
    assert all(on_disk(archive_app, segments))


def test_the_sweeper_deletes_old_snapshots_except_days_a_hold_covers(archive_app: Kuzet) -> None:
    now = utc_now()
    storage = archive_app.archive.storage
    jpeg = b"\xff\xd8\xff\xe0 snapshot"
    old = storage.save_snapshot("st-1", now - timedelta(days=100), "det-old", jpeg)
    held = storage.save_snapshot("st-1", now - timedelta(days=120), "det-held", jpeg)
    recent = storage.save_snapshot("st-1", now - timedelta(days=2), "det-new", jpeg)
    day_held = now - timedelta(days=120)
    hold(archive_app, "st-1", day_held - timedelta(minutes=1), day_held + timedelta(minutes=1))

    report = archive_app.archive.retention.sweep()

    assert report.snapshots_deleted == 1
    assert [storage.locate(p).exists() for p in (old, held, recent)] == [False, True, True]
    expired = [r.entry for r in archive_app.audit.recent(5) if r.entry.action == "expire_snapshots"]
    assert [(e.target, e.details["files"]) for e in expired] == [("camera:st-1", "1")]
    assert archive_app.archive.retention.sweep().snapshots_deleted == 0
