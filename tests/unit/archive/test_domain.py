"""Time ranges, retention rules, legal holds, the evidence manifest and the HLS playlist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuzet.domain.archive.evidence import BundleFile, EvidenceManifest
from kuzet.domain.archive.model import LegalHold, RetentionRules, Segment, TimeRange
from kuzet.domain.cameras.model import CameraKind
from kuzet.services.archive.segments import hls_playlist

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def segment(start: float, end: float, camera: str = "st-1", sid: int = 1) -> Segment:
    return Segment(camera, at(start), at(end), f"{camera}/x{sid}.ts", 100, "a" * 64, id=sid)


def test_a_time_range_must_end_after_it_starts_and_carry_a_zone() -> None:
    assert TimeRange(at(0), at(90)).seconds == 90
    with pytest.raises(ValueError, match="before it starts"):
        TimeRange(at(10), at(10))
    with pytest.raises(ValueError, match="time zone"):
        TimeRange(datetime(2026, 1, 1), at(0))  # a naive time is refused


@pytest.mark.parametrize(
    ("camera", "kind", "days"),
    [
        ("st-1", CameraKind.STREET, 30),  # the camera's own rule wins
        ("st-2", CameraKind.STREET, 90),  # no rule for street cameras: the default
        ("bc-7", CameraKind.BODY_CAM, 365),  # the kind's rule
        ("gone-1", None, 90),  # a removed camera: the default
    ],
)
def test_retention_is_per_camera_then_per_kind_then_default(
    camera: str, kind: CameraKind | None, days: int
) -> None:
    rules = RetentionRules(by_kind={CameraKind.BODY_CAM: 365}, by_camera={"st-1": 30})
    assert rules.days_for(camera, kind) == days
    assert rules.cutoff(at(0), camera, kind) == at(0) - timedelta(days=days)


@pytest.mark.parametrize(
    ("start", "end", "camera", "covered"),
    [
        (0, 10, "st-1", False),  # ends where the hold starts
        (5, 15, "st-1", True),
        (12, 20, "st-1", True),
        (40, 50, "st-1", True),
        (50, 60, "st-1", False),  # starts where the hold ends
        (12, 20, "st-2", False),  # another camera
    ],
)
def test_a_hold_covers_the_segments_of_its_camera_that_overlap_it(
    start: float, end: float, camera: str, covered: bool
) -> None:
    hold = LegalHold("h1", "st-1", TimeRange(at(10), at(50)), "K-1", "robbery", "sup", at(0))
    assert hold.covers(segment(start, end, camera)) is covered
    released = LegalHold(
        "h1", "st-1", TimeRange(at(10), at(50)), "K-1", "robbery", "sup", at(0), released_at=at(99)
    )
    assert not released.covers(segment(start, end, camera))


def test_a_hold_needs_a_case_and_a_reason() -> None:
    with pytest.raises(ValueError, match="case number"):
        LegalHold("h1", "st-1", TimeRange(at(0), at(1)), " ", "why", "sup", at(0))
    with pytest.raises(ValueError, match="reason"):
        LegalHold("h1", "st-1", TimeRange(at(0), at(1)), "K-1", "", "sup", at(0))


def test_the_manifest_round_trips_through_its_canonical_json() -> None:
    manifest = EvidenceManifest(
        export_id="e1",
        camera_id="st-1",
        range=TimeRange(at(3), at(17)),
        case_number="K-2026/17",
        reason="court request",
        recipient="Almaty city court",
        created_by="supervisor",
        created_at=at(100),
        clip=BundleFile("clip.mp4", "b" * 64, 1000, at(3), at(17)),
        segments=(BundleFile("segments/a.ts", "c" * 64, 500, at(0), at(10)),),
        key_fingerprint="d" * 64,
    )
    data = manifest.to_json()
    assert EvidenceManifest.from_json(data) == manifest
    assert b" " not in data.replace(b"court request", b"").replace(b"Almaty city court", b"")
    with pytest.raises(ValueError, match="malformed"):
        EvidenceManifest.from_json(data.replace(b'"camera_id"', b'"camera"'))


def test_the_hls_playlist_lists_every_segment_and_marks_gaps() -> None:
    segments = [segment(0, 10, sid=1), segment(10, 20, sid=2), segment(60, 65.5, sid=3)]
    text = hls_playlist(segments, lambda s: f"/api/archive/segments/{s.id}/media.ts")
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert "#EXT-X-TARGETDURATION:10" in lines
    assert [line for line in lines if line.startswith("/api/")] == [
        f"/api/archive/segments/{i}/media.ts" for i in (1, 2, 3)
    ]
    assert lines.index("#EXT-X-DISCONTINUITY") == lines.index("/api/archive/segments/2/media.ts") + 1
    assert "#EXTINF:5.500," in lines
    assert lines[-1] == "#EXT-X-ENDLIST"
