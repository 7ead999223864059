"""Fleet: camera health changes, device lifecycle states and history, maintenance tickets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:13:31.155994
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "camera_health_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("condition", sa.String(length=16), nullable=False),
        sa.Column("previous", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("camera_health_changes", schema=None) as batch_op:
        batch_op.create_index("ix_camera_health_changes_camera_since", ["camera_id", "since"], unique=False)
        batch_op.create_index(batch_op.f("ix_camera_health_changes_condition"), ["condition"], unique=False)

    op.create_table(
        "device_state_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expected_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("device_state_history", schema=None) as batch_op:
        batch_op.create_index("ix_device_state_history_camera_since", ["camera_id", "since"], unique=False)

    op.create_table(
        "device_states",
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expected_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("camera_id"),
    )
    with op.batch_alter_table("device_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_states_state"), ["state"], unique=False)

    op.create_table(
        "maintenance_tickets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("maintenance_tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maintenance_tickets_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_maintenance_tickets_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_maintenance_tickets_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("maintenance_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_tickets_status"))
        batch_op.drop_index(batch_op.f("ix_maintenance_tickets_opened_at"))
        batch_op.drop_index(batch_op.f("ix_maintenance_tickets_camera_id"))

    op.drop_table("maintenance_tickets")
    with op.batch_alter_table("device_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_states_state"))

    op.drop_table("device_states")
    with op.batch_alter_table("device_state_history", schema=None) as batch_op:
        batch_op.drop_index("ix_device_state_history_camera_since")

    op.drop_table("device_state_history")
    with op.batch_alter_table("camera_health_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_camera_health_changes_condition"))
        batch_op.drop_index("ix_camera_health_changes_camera_since")

    op.drop_table("camera_health_changes")
