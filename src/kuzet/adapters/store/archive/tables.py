"""Tables of the archive index: segments, legal holds, uploads, evidence exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuzet.adapters.store.tables import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets 64 bits for a big archive.
_SegmentId = BigInteger().with_variant(Integer, "sqlite")


class ArchiveSegmentRow(Base):
    """One recorded file. No foreign key to cameras: evidence outlives a camera's removal."""

    __tablename__ = "archive_segments"
    __table_args__ = (Index("ix_archive_segments_camera_start", "camera_id", "start"),)
    id: Mapped[int] = mapped_column(_SegmentId, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    path: Mapped[str] = mapped_column(String(512), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    keyframe_aligned: Mapped[bool] = mapped_column(Boolean)
    upload_id: Mapped[str | None] = mapped_column(String(36), index=True)


class LegalHoldRow(Base):
    __tablename__ = "legal_holds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(64))
    release_reason: Mapped[str | None] = mapped_column(Text)


class ArchiveUploadRow(Base):
    __tablename__ = "archive_uploads"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(64), index=True)
    officer: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    segment_count: Mapped[int] = mapped_column(Integer)


class EvidenceExportRow(Base):
    __tablename__ = "evidence_exports"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    bundle_path: Mapped[str] = mapped_column(String(512))
    bundle_sha256: Mapped[str] = mapped_column(String(64))
    clip_sha256: Mapped[str] = mapped_column(String(64))
    segment_count: Mapped[int] = mapped_column(Integer)
