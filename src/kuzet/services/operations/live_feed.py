"""The live feed hub: events from the bus fanned out to each watcher, filtered by what they may see.

Each watcher has a bounded queue; a watcher too slow to keep up loses its oldest messages (counted),
never slowing the bus or the other watchers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from kuzet.domain.messages import Event
from kuzet.domain.offenses import OffenseCategory, OffenseTaxonomy
from kuzet.domain.operations.messages import (
    AlertAcknowledged,
    AlertDismissed,
    AlertEscalated,
    AlertFolded,
    AlertRaised,
    AlertSopStepRecorded,
    IncidentOpened,
    IncidentStateChanged,
    TicketOpened,
    TicketStatusChanged,
    UnitMoved,
    UnitsDispatched,
    UnitStatusChanged,
)
from kuzet.domain.users.model import Permission

ALERT_EVENTS: tuple[type[Event], ...] = (
    AlertRaised,
    AlertFolded,
    AlertAcknowledged,
    AlertEscalated,
    AlertDismissed,
    AlertSopStepRecorded,
)
INCIDENT_EVENTS: tuple[type[Event], ...] = (IncidentOpened, IncidentStateChanged, UnitsDispatched)
UNIT_EVENTS: tuple[type[Event], ...] = (UnitMoved, UnitStatusChanged)
TICKET_EVENTS: tuple[type[Event], ...] = (TicketOpened, TicketStatusChanged)
FEED_EVENTS = ALERT_EVENTS + INCIDENT_EVENTS + UNIT_EVENTS + TICKET_EVENTS
NEEDS: dict[type[Event], Permission] = {
    **dict.fromkeys(ALERT_EVENTS, Permission.ALERTS_READ),
    **dict.fromkeys(INCIDENT_EVENTS, Permission.INCIDENTS_READ),
    **dict.fromkeys(UNIT_EVENTS, Permission.UNITS_READ),
    **dict.fromkeys(TICKET_EVENTS, Permission.TICKETS_READ),
}


@dataclass(eq=False)
class Watcher:
    """One connected screen: what it may see, and its queue."""

    permissions: frozenset[Permission]
    tenant_id: str | None
    allowed_categories: frozenset[OffenseCategory] | None  # None: center staff, every category
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))
    dropped: int = 0


class LiveFeed:
    def __init__(self, taxonomy: OffenseTaxonomy) -> None:
        self._taxonomy = taxonomy
        self._watchers: set[Watcher] = set()
        self.delivered = 0

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Start feeding ``watcher``; call the returned function to stop."""
        self._watchers.add(watcher)
        return lambda: self._watchers.discard(watcher)

    @property
    def watcher_count(self) -> int:
        return len(self._watchers)

    def may_see(self, watcher: Watcher, event: Event) -> bool:
        needed = NEEDS.get(type(event))
        if needed is None or needed not in watcher.permissions:
            return False
        if watcher.tenant_id is None:
            return True
        if getattr(event, "tenant_id", None) != watcher.tenant_id:
            return False
        code = getattr(event, "code", None)
        if code is None or code not in self._taxonomy:
            return True
        allowed = watcher.allowed_categories or frozenset()
        return self._taxonomy[code].category in allowed

    async def publish(self, event: Event) -> None:
        for watcher in list(self._watchers):
            if not self.may_see(watcher, event):
                continue
            if watcher.queue.full():
                watcher.queue.get_nowait()
                watcher.dropped += 1
            watcher.queue.put_nowait(event)
            self.delivered += 1
