"""Citizen calls, SOS buttons and municipal tickets: the other ways work reaches the room."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kuzet.domain.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class CitizenCall:
    """A call taken by the duty unit and passed to the center."""

    caller_name: str
    caller_phone: str
    category: str  # an offense code, usually citizen_report or a specific one (fight, bag_snatch, ...)
    position: GeoPoint
    address: str
    description: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class SosDevice:
    """A registered SOS button: where it stands and which district it belongs to."""

    id: str
    position: GeoPoint
    address: str
    district_id: str
    active: bool = True


class TicketStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"


TICKET_FLOW: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.ASSIGNED, TicketStatus.REJECTED}),
    TicketStatus.ASSIGNED: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.DONE, TicketStatus.REJECTED}),
    TicketStatus.IN_PROGRESS: frozenset({TicketStatus.DONE}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.REJECTED: frozenset(),
}


class IllegalTicketTransitionError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class MunicipalTicket:
    """Infrastructure work (a dark street light, a pothole, icicles) routed to the service that fixes it."""

    id: str
    code: str
    service: str
    position: GeoPoint | None
    opened_at: datetime
    due_at: datetime
    status: TicketStatus = TicketStatus.OPEN
    camera_id: str | None = None
    alert_id: str | None = None
    note: str = ""
    closed_at: datetime | None = None

    def move_to(self, status: TicketStatus, at: datetime, note: str = "") -> MunicipalTicket:
        if status not in TICKET_FLOW[self.status]:
            allowed = ", ".join(sorted(s.value for s in TICKET_FLOW[self.status])) or "none"
            raise IllegalTicketTransitionError(
                f"ticket {self.id}: cannot go from {self.status.value} to {status.value} (allowed: {allowed})"
            )
        closed = at if status in {TicketStatus.DONE, TicketStatus.REJECTED} else None
        return replace(self, status=status, note=note or self.note, closed_at=closed)

    def overdue(self, now: datetime) -> bool:
        return self.closed_at is None and now > self.due_at


DEFAULT_TICKET_SLA = timedelta(hours=24)
