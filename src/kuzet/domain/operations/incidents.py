"""Incidents: what the room works on, from first report to closure, as a state machine.

Each change checks the version the operator saw, so two operators acting at once cannot both win:
the second is told the incident moved on (``StaleIncidentError``) and sees the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import Priority


class IncidentState(StrEnum):
    NEW = "new"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ClosureCode(StrEnum):
    PROTOCOL_DRAWN_UP = "protocol_drawn_up"
    DETAINED = "detained"
    FALSE_ALARM = "false_alarm"
    NO_OFFENSE = "no_offense"
    HANDED_TO_ANOTHER_SERVICE = "handed_to_another_service"
    SOLVED_WITH_CAMERA_EVIDENCE = "solved_with_camera_evidence"


S = IncidentState
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    S.NEW: frozenset({S.DISPATCHED, S.RESOLVED}),  # resolved directly: a false alarm seen on camera
    S.DISPATCHED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.RESOLVED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.RESOLVED}),
    S.ON_SCENE: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.DISPATCHED}),  # reopened when the resolution did not hold
    S.CLOSED: frozenset(),
}


class IllegalIncidentTransitionError(ValueError):
    pass


class StaleIncidentError(ValueError):
    """Someone else changed the incident since this operator loaded it."""


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    code: str
    priority: Priority
    position: GeoPoint | None
    created_at: datetime
    created_by: str
    summary: str = ""
    state: IncidentState = IncidentState.NEW
    version: int = 1
    parent_id: str | None = None
    district_id: str | None = None
    tenant_id: str | None = None
    closure_code: ClosureCode | None = None
    unit_ids: tuple[str, ...] = field(default_factory=tuple)
    updated_at: datetime | None = None

    def transition(
        self, to: IncidentState, expected_version: int, at: datetime, closure: ClosureCode | None = None
    ) -> Incident:
        if expected_version != self.version:
            raise StaleIncidentError(
                f"incident {self.id} changed since you loaded it (your version {expected_version}, now "
                f"{self.version}: {self.state.value}); reload and try again"
            )
        if to not in TRANSITIONS[self.state]:
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS[self.state])) or "none"
            raise IllegalIncidentTransitionError(
                f"incident {self.id}: cannot go from {self.state.value} to {to.value} (allowed: {allowed})"
            )
        if to is IncidentState.CLOSED and closure is None and self.closure_code is None:
            raise IllegalIncidentTransitionError(f"incident {self.id}: closing needs a closure code")
        return replace(
            self, state=to, version=self.version + 1, updated_at=at, closure_code=closure or self.closure_code
        )

    def with_units(self, unit_ids: tuple[str, ...], at: datetime) -> Incident:
        merged = tuple(dict.fromkeys((*self.unit_ids, *unit_ids)))
        return replace(self, unit_ids=merged, version=self.version + 1, updated_at=at)
