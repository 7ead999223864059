"""Ports of the archive: where segment files live and what is done with video (probe, clip, remux).

The filesystem and PyAV implementations are in ``kuzet.adapters.archive``; an object store can take
their place without touching the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from kuzet.domain.archive.evidence import EvidenceExport, EvidenceManifest
from kuzet.domain.archive.model import ArchiveTotals, LegalHold, Segment, TimeRange, Upload


class SegmentFile(Protocol):
    """A segment being written: it hashes exactly the bytes that reached the file."""

    @property
    def path(self) -> str:
        """Where the finished segment lies, relative to the archive root."""

    @property
    def size(self) -> int: ...

    @property
    def sha256(self) -> str: ...

    def write(self, data: bytes) -> int: ...

    def commit(self) -> None:
        """Flush to disk and give the file its final name; after this it can be indexed."""

    def discard(self) -> None:
        """Remove what was written (nothing of it will be indexed)."""


class ArchiveStorage(Protocol):
    def create_segment(self, camera_id: str, start: datetime) -> SegmentFile: ...

    def locate(self, path: str) -> Path:
        """The local file of a stored relative path."""

    def delete(self, path: str) -> bool:
        """Remove a stored file; False when it was already gone."""

    def free_bytes(self) -> int: ...

    def evidence_target(self, export_id: str, created_at: datetime) -> str:
        """A relative path for a new evidence bundle."""

    def scratch(self) -> Path:
        """A folder on the archive's disk for files being built (clips, uploads, bundles)."""

    def save_snapshot(self, camera_id: str, at: datetime, name: str, jpeg: bytes) -> str:
        """Store an analytics snapshot JPEG; its relative path."""

    def snapshot_days(self) -> dict[str, list[date]]:
        """Each camera's days (UTC) that hold snapshots."""

    def delete_snapshot_day(self, camera_id: str, day: date) -> int:
        """Remove one camera's snapshots of one day; how many files went."""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What probing an uploaded file found."""

    codec: str
    width: int
    height: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ClipInfo:
    """A clip remuxed from segments: its hash and the wall-clock time it really covers."""

    sha256: str
    size: int
    range: TimeRange
    frames: int


@dataclass(frozen=True, slots=True)
class ClipSource:
    segment: Segment
    file: Path


class ArchiveMedia(Protocol):
    def probe(self, file: Path, name: str) -> MediaInfo:
        """Check that ``file`` (``name`` to the user) is video we can remux, else MediaRejectedError."""

    def make_clip(self, sources: Sequence[ClipSource], wanted: TimeRange, target: Path) -> ClipInfo:
        """Remux the segments' packets covering ``wanted`` (from the keyframe before it) into an MP4."""

    def record_file(
        self, file: Path, name: str, camera_id: str, recorded_at: datetime, upload_id: str
    ) -> list[Segment]:
        """Remux a whole file into archive segments (not yet indexed); none are left behind on failure."""


class EvidenceSigner(Protocol):
    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, hex: names the key in the manifest."""

    def public_key_pem(self) -> bytes: ...

    def sign(self, data: bytes) -> bytes: ...


class BundleWriter(Protocol):
    def write(self, target: Path, manifest: EvidenceManifest, files: Sequence[tuple[str, Path]]) -> str:
        """Write the bundle (files checked against the manifest's hashes as copied); return its SHA-256."""


class SegmentRepository(Protocol):
    """The archive index: one row per recorded file."""

    def add(self, segment: Segment) -> Segment: ...
    def get(self, segment_id: int) -> Segment | None: ...
    def in_range(self, camera_id: str, start: datetime, end: datetime) -> list[Segment]: ...
    def camera_ids(self) -> list[str]: ...
    def unheld(
        self, limit: int, camera_id: str | None = None, ended_by: datetime | None = None
    ) -> list[Segment]: ...
    def count_held(self, camera_id: str, ended_by: datetime) -> int: ...
    def remove(self, segment_ids: Sequence[int]) -> None: ...
    def page(self, after_id: int, limit: int, camera_id: str | None = None) -> list[Segment]: ...
    def totals(self, camera_id: str | None = None) -> ArchiveTotals: ...


class LegalHoldRepository(Protocol):
    def add(self, hold: LegalHold) -> None: ...
    def update(self, hold: LegalHold) -> None: ...
    def get(self, hold_id: str) -> LegalHold | None: ...
    def list(self, camera_id: str | None = None, active_only: bool = True) -> list[LegalHold]: ...


class UploadRepository(Protocol):
    def add(self, upload: Upload) -> None: ...
    def get(self, upload_id: str) -> Upload | None: ...


class EvidenceExportRepository(Protocol):
    def add(self, export: EvidenceExport) -> None: ...
    def get(self, export_id: str) -> EvidenceExport | None: ...
    def list(self, case_number: str | None = None, limit: int = 100) -> list[EvidenceExport]: ...
