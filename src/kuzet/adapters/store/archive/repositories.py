"""The archive index in the store: segments, legal holds, uploads and evidence exports.

Times are stored in UTC: SQLite keeps no zone, so comparisons are only right when every value is UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session

from kuzet.adapters.store.archive.tables import (
    ArchiveSegmentRow,
    ArchiveUploadRow,
    EvidenceExportRow,
    LegalHoldRow,
)
from kuzet.adapters.store.values import aware
from kuzet.domain.archive.evidence import EvidenceExport
from kuzet.domain.archive.model import ArchiveTotals, LegalHold, Segment, TimeRange, Upload
from kuzet.errors import ConflictError


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _segment(row: ArchiveSegmentRow) -> Segment:
    return Segment(
        id=row.id,
        camera_id=row.camera_id,
        start=aware(row.start),
        end=aware(row.end),
        path=row.path,
        size=row.size,
        sha256=row.sha256,
        keyframe_aligned=row.keyframe_aligned,
        upload_id=row.upload_id,
    )


def _held() -> ColumnElement[bool]:
    """True for a segment that an active legal hold of its camera overlaps."""
    return exists().where(
        LegalHoldRow.camera_id == ArchiveSegmentRow.camera_id,
        LegalHoldRow.released_at.is_(None),
        LegalHoldRow.start < ArchiveSegmentRow.end,
        LegalHoldRow.end > ArchiveSegmentRow.start,
    )


class SqlSegmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, segment: Segment) -> Segment:
        row = ArchiveSegmentRow(
            camera_id=segment.camera_id,
            start=_utc(segment.start),
            end=_utc(segment.end),
            path=segment.path,
            size=segment.size,
            sha256=segment.sha256,
            keyframe_aligned=segment.keyframe_aligned,
            upload_id=segment.upload_id,
        )
        self._session.add(row)
        self._session.flush()
        return _segment(row)

    def get(self, segment_id: int) -> Segment | None:
        row = self._session.get(ArchiveSegmentRow, segment_id)
        return None if row is None else _segment(row)

    def in_range(self, camera_id: str, start: datetime, end: datetime) -> list[Segment]:
        """A camera's segments that overlap ``[start, end)``, in time order."""
        query = (
            select(ArchiveSegmentRow)
            .where(
                ArchiveSegmentRow.camera_id == camera_id,
                ArchiveSegmentRow.start < _utc(end),
                ArchiveSegmentRow.end > _utc(start),
            )
            .order_by(ArchiveSegmentRow.start, ArchiveSegmentRow.id)
        )
        return [_segment(r) for r in self._session.scalars(query)]

    def camera_ids(self) -> list[str]:
        query = select(ArchiveSegmentRow.camera_id).distinct().order_by(ArchiveSegmentRow.camera_id)
        return list(self._session.scalars(query))

    def unheld(
        self, limit: int, camera_id: str | None = None, ended_by: datetime | None = None
    ) -> list[Segment]:
        """The oldest segments no active legal hold covers (of one camera, ended by a moment)."""
        query = select(ArchiveSegmentRow).where(~_held())
        if camera_id is not None:
            query = query.where(ArchiveSegmentRow.camera_id == camera_id)
        if ended_by is not None:
            cutoff = _utc(ended_by)
            query = query.where(ArchiveSegmentRow.start <= cutoff, ArchiveSegmentRow.end <= cutoff)
        query = query.order_by(ArchiveSegmentRow.start, ArchiveSegmentRow.id).limit(limit)
        return [_segment(r) for r in self._session.scalars(query)]

    def count_held(self, camera_id: str, ended_by: datetime) -> int:
        """How many of a camera's segments that ended by a moment a legal hold keeps."""
        cutoff = _utc(ended_by)
        query = (
            select(func.count())
            .select_from(ArchiveSegmentRow)
            .where(
                ArchiveSegmentRow.camera_id == camera_id,
                ArchiveSegmentRow.start <= cutoff,
                ArchiveSegmentRow.end <= cutoff,
                _held(),
            )
        )
        return self._session.scalar(query) or 0

    def remove(self, segment_ids: Sequence[int]) -> None:
        self._session.execute(delete(ArchiveSegmentRow).where(ArchiveSegmentRow.id.in_(segment_ids)))
        self._session.flush()

    def page(self, after_id: int, limit: int, camera_id: str | None = None) -> list[Segment]:
        """Segments in index order after ``after_id``: walk the whole archive without loading it."""
        query = select(ArchiveSegmentRow).where(ArchiveSegmentRow.id > after_id)
        if camera_id is not None:
            query = query.where(ArchiveSegmentRow.camera_id == camera_id)
        query = query.order_by(ArchiveSegmentRow.id).limit(limit)
        return [_segment(r) for r in self._session.scalars(query)]

    def totals(self, camera_id: str | None = None) -> ArchiveTotals:
        query = select(func.count(), func.coalesce(func.sum(ArchiveSegmentRow.size), 0))
        if camera_id is not None:
            query = query.where(ArchiveSegmentRow.camera_id == camera_id)
        count, size = self._session.execute(query).one()
        return ArchiveTotals(segments=int(count), bytes=int(size))


def _hold(row: LegalHoldRow) -> LegalHold:
    return LegalHold(
        id=row.id,
        camera_id=row.camera_id,
        range=TimeRange(aware(row.start), aware(row.end)),
        case_number=row.case_number,
        reason=row.reason,
        placed_by=row.placed_by,
        placed_at=aware(row.placed_at),
        released_at=aware(row.released_at) if row.released_at else None,
        released_by=row.released_by,
        release_reason=row.release_reason,
    )


def _fill_hold_row(row: LegalHoldRow, hold: LegalHold) -> None:
    row.camera_id, row.start, row.end = hold.camera_id, _utc(hold.range.start), _utc(hold.range.end)
    row.case_number, row.reason = hold.case_number, hold.reason
    row.placed_by, row.placed_at = hold.placed_by, _utc(hold.placed_at)
    row.released_at = _utc(hold.released_at) if hold.released_at else None
    row.released_by, row.release_reason = hold.released_by, hold.release_reason


class SqlLegalHoldRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, hold: LegalHold) -> None:
        if self._session.get(LegalHoldRow, hold.id) is not None:
            raise ConflictError(f"legal hold {hold.id!r} already exists")
        row = LegalHoldRow(id=hold.id)
        _fill_hold_row(row, hold)
        self._session.add(row)
        self._session.flush()

    def update(self, hold: LegalHold) -> None:
        row = self._session.get(LegalHoldRow, hold.id)
        if row is None:
            raise ConflictError(f"legal hold {hold.id!r} does not exist")
        _fill_hold_row(row, hold)
        self._session.flush()

    def get(self, hold_id: str) -> LegalHold | None:
        row = self._session.get(LegalHoldRow, hold_id)
        return None if row is None else _hold(row)

    def list(self, camera_id: str | None = None, active_only: bool = True) -> list[LegalHold]:
        query = select(LegalHoldRow).order_by(LegalHoldRow.placed_at, LegalHoldRow.id)
        if camera_id is not None:
            query = query.where(LegalHoldRow.camera_id == camera_id)
        if active_only:
            query = query.where(LegalHoldRow.released_at.is_(None))
        return [_hold(r) for r in self._session.scalars(query)]


def _upload(row: ArchiveUploadRow) -> Upload:
    return Upload(
        id=row.id,
        camera_id=row.camera_id,
        officer=row.officer,
        unit=row.unit,
        recorded_at=aware(row.recorded_at),
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        uploaded_by=row.uploaded_by,
        uploaded_at=aware(row.uploaded_at),
        segment_count=row.segment_count,
    )


class SqlUploadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, upload: Upload) -> None:
        self._session.add(
            ArchiveUploadRow(
                id=upload.id,
                camera_id=upload.camera_id,
                officer=upload.officer,
                unit=upload.unit,
                recorded_at=_utc(upload.recorded_at),
                filename=upload.filename,
                sha256=upload.sha256,
                size=upload.size,
                uploaded_by=upload.uploaded_by,
                uploaded_at=_utc(upload.uploaded_at),
                segment_count=upload.segment_count,
            )
        )
        self._session.flush()

    def get(self, upload_id: str) -> Upload | None:
        row = self._session.get(ArchiveUploadRow, upload_id)
        return None if row is None else _upload(row)


def _export(row: EvidenceExportRow) -> EvidenceExport:
    return EvidenceExport(
        id=row.id,
        camera_id=row.camera_id,
        range=TimeRange(aware(row.start), aware(row.end)),
        case_number=row.case_number,
        reason=row.reason,
        recipient=row.recipient,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        bundle_path=row.bundle_path,
        bundle_sha256=row.bundle_sha256,
        clip_sha256=row.clip_sha256,
        segment_count=row.segment_count,
    )


class SqlEvidenceExportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, export: EvidenceExport) -> None:
        self._session.add(
            EvidenceExportRow(
                id=export.id,
                camera_id=export.camera_id,
                start=_utc(export.range.start),
                end=_utc(export.range.end),
                case_number=export.case_number,
                reason=export.reason,
                recipient=export.recipient,
                created_by=export.created_by,
                created_at=_utc(export.created_at),
                bundle_path=export.bundle_path,
                bundle_sha256=export.bundle_sha256,
                clip_sha256=export.clip_sha256,
                segment_count=export.segment_count,
            )
        )
        self._session.flush()

    def get(self, export_id: str) -> EvidenceExport | None:
        row = self._session.get(EvidenceExportRow, export_id)
        return None if row is None else _export(row)

    def list(self, case_number: str | None = None, limit: int = 100) -> list[EvidenceExport]:
        query = select(EvidenceExportRow).order_by(EvidenceExportRow.created_at.desc()).limit(limit)
        if case_number is not None:
            query = query.where(EvidenceExportRow.case_number == case_number)
        return [_export(r) for r in self._session.scalars(query)]
