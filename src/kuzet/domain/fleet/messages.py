"""Commands and events of camera health and the fleet lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from kuzet.domain.fleet.health import CameraHealthChanged, HealthChange, HealthCondition
from kuzet.domain.fleet.lifecycle import DeviceState, Disposition
from kuzet.domain.messages import Command, Event

# ---- commands -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecordCameraHealth(Command):
    """Store a camera's new picture condition (machine traffic: not audited one by one)."""

    audited: ClassVar[bool] = False
    camera_id: str
    condition: HealthCondition
    previous: HealthCondition
    since: datetime
    detail: str = ""

    @classmethod
    def of(cls, change: HealthChange | CameraHealthChanged) -> RecordCameraHealth:
        """From the vision layer's change (POSIX seconds) or the bus event (a datetime)."""
        since = change.since
        at = since if isinstance(since, datetime) else datetime.fromtimestamp(since, UTC)
        return cls(
            camera_id=change.camera_id,
            condition=change.condition,
            previous=change.previous,
            since=at,
            detail=change.detail,
        )


@dataclass(frozen=True, kw_only=True)
class ChangeDeviceState(Command):
    """Move a device through its lifecycle; ``expected_version`` guards against a concurrent change."""

    by: str
    camera_id: str
    to: DeviceState
    reason: str = ""
    expected_end: datetime | None = None
    disposition: Disposition | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class OpenOverdueMaintenanceTickets(Command):
    audited: ClassVar[bool] = False
    now: datetime


@dataclass(frozen=True, kw_only=True)
class CloseMaintenanceTicket(Command):
    by: str
    ticket_id: str
    resolution: str


# ---- events ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DeviceStateChanged(Event):
    camera_id: str
    state: str
    previous: str
    reason: str
    by: str


@dataclass(frozen=True, kw_only=True)
class MaintenanceTicketOpened(Event):
    ticket_id: str
    camera_id: str
    reason: str
    fault_since: datetime


@dataclass(frozen=True, kw_only=True)
class MaintenanceTicketClosed(Event):
    ticket_id: str
    camera_id: str
    resolution: str
    by: str
