"""Tables of the fleet: picture-health changes, device lifecycle states and history, maintenance tickets.

No foreign key to ``cameras``: the history outlives a camera's removal from the register.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuzet.adapters.store.tables import Base


class CameraHealthChangeRow(Base):
    __tablename__ = "camera_health_changes"
    __table_args__ = (Index("ix_camera_health_changes_camera_since", "camera_id", "since"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(16), index=True)
    previous: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeviceStateRow(Base):
    """Each device's lifecycle state now; a camera without a row counts as in service."""

    __tablename__ = "device_states"
    camera_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    expected_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disposition: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)


class DeviceStateHistoryRow(Base):
    __tablename__ = "device_state_history"
    __table_args__ = (Index("ix_device_state_history_camera_since", "camera_id", "since"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    expected_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disposition: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)


class MaintenanceTicketRow(Base):
    __tablename__ = "maintenance_tickets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(64), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str] = mapped_column(Text)
