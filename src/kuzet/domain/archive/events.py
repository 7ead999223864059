"""Events of the archive: what retention, disk pressure, holds, exports and uploads did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kuzet.domain.messages import Event


@dataclass(frozen=True, kw_only=True)
class ArchiveSegmentsExpired(Event):
    """The sweeper deleted a camera's segments that outlived their retention."""

    camera_id: str
    segments: int
    bytes: int
    ended_before: datetime


@dataclass(frozen=True, kw_only=True)
class ArchiveDiskPressure(Event):
    """The archive ran short of space; the oldest unheld segments were evicted (a warning).

    ``relieved`` is False when held segments alone exceed the space: someone must add disks.
    """

    free_bytes: int
    used_bytes: int
    needed_bytes: int
    evicted_segments: int
    evicted_bytes: int
    relieved: bool


@dataclass(frozen=True, kw_only=True)
class LegalHoldPlaced(Event):
    hold_id: str
    camera_id: str
    start: datetime
    end: datetime
    case_number: str


@dataclass(frozen=True, kw_only=True)
class LegalHoldReleased(Event):
    hold_id: str
    camera_id: str
    case_number: str


@dataclass(frozen=True, kw_only=True)
class EvidenceExported(Event):
    export_id: str
    camera_id: str
    start: datetime
    end: datetime
    case_number: str
    exported_by: str


@dataclass(frozen=True, kw_only=True)
class FootageUploaded(Event):
    upload_id: str
    camera_id: str
    officer: str
    unit: str
    recorded_at: datetime
    segments: int
