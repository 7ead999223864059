"""Fleet lifecycle: what happened to each device, from installation to write-off.

A center must say at any moment which cameras are in service, which are broken or under repair, which
are off for planned works (with reason and expected end), and what became of written-off devices
(spare parts, recycled, transferred). Transitions are explicit; anything else is refused with the
allowed next states in the message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class DeviceState(StrEnum):
    INSTALLED = "installed"
    IN_SERVICE = "in_service"
    FAULT = "fault"
    UNDER_REPAIR = "under_repair"
    PLANNED_OUTAGE = "planned_outage"
    DECOMMISSIONED = "decommissioned"


class Disposition(StrEnum):
    """What became of a written-off device."""

    SPARE_PARTS = "spare_parts"
    RECYCLED = "recycled"
    TRANSFERRED = "transferred"
    DESTROYED = "destroyed"


ALLOWED: dict[DeviceState, frozenset[DeviceState]] = {
    DeviceState.INSTALLED: frozenset({DeviceState.IN_SERVICE, DeviceState.FAULT, DeviceState.DECOMMISSIONED}),
    DeviceState.IN_SERVICE: frozenset(
        {DeviceState.FAULT, DeviceState.UNDER_REPAIR, DeviceState.PLANNED_OUTAGE, DeviceState.DECOMMISSIONED}
    ),
    DeviceState.FAULT: frozenset(
        {DeviceState.IN_SERVICE, DeviceState.UNDER_REPAIR, DeviceState.DECOMMISSIONED}
    ),
    DeviceState.UNDER_REPAIR: frozenset(
        {DeviceState.IN_SERVICE, DeviceState.FAULT, DeviceState.DECOMMISSIONED}
    ),
    DeviceState.PLANNED_OUTAGE: frozenset(
        {DeviceState.IN_SERVICE, DeviceState.FAULT, DeviceState.UNDER_REPAIR, DeviceState.DECOMMISSIONED}
    ),
    DeviceState.DECOMMISSIONED: frozenset(),
}


class IllegalTransitionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A camera's lifecycle state now, since when, and why."""

    camera_id: str
    state: DeviceState
    since: datetime
    reason: str = ""
    expected_end: datetime | None = None
    disposition: Disposition | None = None
    version: int = 0  # the stored version; 0 = never stored (a camera counts as in service until then)

    def move_to(
        self,
        state: DeviceState,
        at: datetime,
        reason: str = "",
        expected_end: datetime | None = None,
        disposition: Disposition | None = None,
    ) -> DeviceStatus:
        """The next status, or IllegalTransitionError saying which moves are allowed from here."""
        if state not in ALLOWED[self.state]:
            allowed = ", ".join(sorted(s.value for s in ALLOWED[self.state])) or "none (final state)"
            raise IllegalTransitionError(
                f"camera {self.camera_id}: cannot go from {self.state.value} to {state.value}; "
                f"allowed: {allowed}"
            )
        if state is DeviceState.PLANNED_OUTAGE and (not reason or expected_end is None or expected_end <= at):
            raise IllegalTransitionError(
                f"camera {self.camera_id}: a planned outage needs a reason and an expected end in the future"
            )
        if state is DeviceState.DECOMMISSIONED and (not reason or disposition is None):
            raise IllegalTransitionError(
                f"camera {self.camera_id}: a write-off needs a reason and a disposition "
                f"({', '.join(d.value for d in Disposition)})"
            )
        return replace(
            self,
            state=state,
            since=at,
            reason=reason,
            expected_end=expected_end,
            disposition=disposition,
            version=self.version + 1,
        )

    @property
    def expects_frames(self) -> bool:
        """Health alarms matter only for devices that should be working."""
        return self.state in {DeviceState.IN_SERVICE, DeviceState.FAULT}

    def fault_overdue(self, now: datetime, after: timedelta) -> bool:
        """A fault long enough to need a maintenance ticket."""
        return self.state is DeviceState.FAULT and now - self.since >= after


# Time in these states is not owed: uptime leaves it out of the denominator.
NOT_OWED: frozenset[DeviceState] = frozenset({DeviceState.PLANNED_OUTAGE, DeviceState.DECOMMISSIONED})


class MaintenanceStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MaintenanceTicketError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class MaintenanceTicket:
    """Work for the technical service: a device in fault too long.

    The ticket stays open when the camera recovers by itself: a technician closes it with what was
    found and done (the resolution), so the device's repair history is complete.

    >>> t = MaintenanceTicket("mt-1", "street-0001", datetime(2026, 12, 1), "offline: no frames")
    >>> t.close(datetime(2026, 12, 2), "replaced the PoE switch").status.value
    'closed'
    """

    id: str
    camera_id: str
    opened_at: datetime
    reason: str
    status: MaintenanceStatus = MaintenanceStatus.OPEN
    closed_at: datetime | None = None
    resolution: str = ""

    def close(self, at: datetime, resolution: str) -> MaintenanceTicket:
        if self.status is MaintenanceStatus.CLOSED:
            raise MaintenanceTicketError(f"maintenance ticket {self.id} is already closed")
        if not resolution.strip():
            raise MaintenanceTicketError(f"maintenance ticket {self.id}: closing needs a resolution")
        return replace(self, status=MaintenanceStatus.CLOSED, closed_at=at, resolution=resolution.strip())
