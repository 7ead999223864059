"""The video archive: recorded segments, retention rules, legal holds and uploaded footage.

Evidence integrity (DOMAIN.md, governance 5) rests on three facts kept here: every segment carries the
SHA-256 of the bytes written at record time; a legal hold covers a camera's time range and overrides
retention and disk-pressure eviction; retention is decided per camera, then per kind, then by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kuzet.domain.cameras.model import CameraKind
from kuzet.domain.messages import Command

DEFAULT_RETENTION_DAYS = 90


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry a time zone (got {moment.isoformat()})")


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A half-open interval ``[start, end)`` of wall-clock time.

    >>> from datetime import UTC
    >>> TimeRange(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 1, tzinfo=UTC)).seconds
    60.0
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError(f"the range ends ({self.end.isoformat()}) before it starts")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return start < self.end and end > self.start

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class Segment:
    """One archived file of a camera's video, as indexed when the recorder finished it.

    ``path`` is relative to the archive root (``<camera>/<YYYY-MM-DD>/<start>.ts``). ``keyframe_aligned``
    is True when the segment was cut at keyframes at both ends; the last segment of a stream that ended
    or died mid-GOP is False (it is still complete up to the last packet received).
    """

    camera_id: str
    start: datetime
    end: datetime
    path: str
    size: int
    sha256: str
    keyframe_aligned: bool = True
    upload_id: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        _require_aware("segment start", self.start)
        if self.end < self.start:
            raise ValueError(f"segment {self.path}: ends before it starts")
        if len(self.sha256) != 64:
            raise ValueError(f"segment {self.path}: {self.sha256!r} is not a SHA-256 hex digest")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class ArchiveTotals:
    """How many segments, and how many bytes, the index holds (for one camera or all)."""

    segments: int
    bytes: int


@dataclass(frozen=True, slots=True)
class RetentionRules:
    """How long each camera's video is kept: a camera override, else its kind's, else the default.

    >>> rules = RetentionRules(by_kind={CameraKind.BODY_CAM: 365}, by_camera={"st-1": 30})
    >>> rules.days_for("st-1", CameraKind.STREET), rules.days_for("bc-7", CameraKind.BODY_CAM)
    (30, 365)
    """

    default_days: int = DEFAULT_RETENTION_DAYS
    by_kind: Mapping[CameraKind, int] = field(default_factory=dict)
    by_camera: Mapping[str, int] = field(default_factory=dict)

    def days_for(self, camera_id: str, kind: CameraKind | None) -> int:
        if camera_id in self.by_camera:
            return self.by_camera[camera_id]
        if kind is not None and kind in self.by_kind:
            return self.by_kind[kind]
        return self.default_days

    def cutoff(self, now: datetime, camera_id: str, kind: CameraKind | None) -> datetime:
        """Segments that ended at or before this moment have expired."""
        return now - timedelta(days=self.days_for(camera_id, kind))


@dataclass(frozen=True, slots=True)
class LegalHold:
    """Keep a camera's video of a time range whatever retention or disk pressure says, for a case."""

    id: str
    camera_id: str
    range: TimeRange
    case_number: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_at: datetime | None = None
    released_by: str | None = None
    release_reason: str | None = None

    def __post_init__(self) -> None:
        if not self.case_number.strip():
            raise ValueError("a legal hold needs a case number")
        if not self.reason.strip():
            raise ValueError("a legal hold needs a reason")

    @property
    def active(self) -> bool:
        return self.released_at is None

    def covers(self, segment: Segment) -> bool:
        return (
            self.active
            and segment.camera_id == self.camera_id
            and self.range.overlaps(segment.start, segment.end)
        )


@dataclass(frozen=True, slots=True)
class Upload:
    """Footage brought in as a file (body cam, drone), with who recorded it and the original's hash."""

    id: str
    camera_id: str
    officer: str
    unit: str
    recorded_at: datetime
    filename: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    segment_count: int = 0


@dataclass(frozen=True, kw_only=True)
class PlaceLegalHold(Command):
    camera_id: str
    range: TimeRange
    case_number: str
    reason: str
    placed_by: str


@dataclass(frozen=True, kw_only=True)
class ReleaseLegalHold(Command):
    hold_id: str
    reason: str
    released_by: str
