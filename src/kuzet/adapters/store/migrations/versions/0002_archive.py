"""Archive: recorded segments, legal holds, uploaded footage and evidence exports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 06:14:53.453419
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "archive_segments",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("keyframe_aligned", sa.Boolean(), nullable=False),
        sa.Column("upload_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )
    with op.batch_alter_table("archive_segments", schema=None) as batch_op:
        batch_op.create_index("ix_archive_segments_camera_start", ["camera_id", "start"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_segments_start"), ["start"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_segments_upload_id"), ["upload_id"], unique=False)

    op.create_table(
        "archive_uploads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("segment_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("archive_uploads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_uploads_camera_id"), ["camera_id"], unique=False)

    op.create_table(
        "evidence_exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bundle_path", sa.String(length=512), nullable=False),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=False),
        sa.Column("clip_sha256", sa.String(length=64), nullable=False),
        sa.Column("segment_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_exports_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_exports_case_number"), ["case_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_exports_created_at"), ["created_at"], unique=False)

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_holds_case_number"), ["case_number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_case_number"))
        batch_op.drop_index(batch_op.f("ix_legal_holds_camera_id"))

    op.drop_table("legal_holds")
    with op.batch_alter_table("evidence_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_exports_created_at"))
        batch_op.drop_index(batch_op.f("ix_evidence_exports_case_number"))
        batch_op.drop_index(batch_op.f("ix_evidence_exports_camera_id"))

    op.drop_table("evidence_exports")
    with op.batch_alter_table("archive_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_uploads_camera_id"))

    op.drop_table("archive_uploads")
    with op.batch_alter_table("archive_segments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_segments_upload_id"))
        batch_op.drop_index(batch_op.f("ix_archive_segments_start"))
        batch_op.drop_index("ix_archive_segments_camera_start")

    op.drop_table("archive_segments")
