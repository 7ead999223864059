"""Alerts: what operators must look at, folded so one incident does not ring fifty times.

An observation (an analytics hit, a health change, a citizen call) with an offense code becomes an alert
with the taxonomy's priority. A repeat of the same code from the same camera and track (or from the same
place when there is no track) within the fold window adds to the existing alert's count instead.
Alerts near each other in space and time are proposed for one incident. An alert that waits longer
than its priority's SLA is escalated to a supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import Priority


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    IN_INCIDENT = "in_incident"
    DISMISSED = "dismissed"


DEFAULT_SLA = {
    Priority.CRITICAL: timedelta(seconds=60),
    Priority.HIGH: timedelta(minutes=2),
    Priority.MEDIUM: timedelta(minutes=5),
    Priority.LOW: timedelta(minutes=15),
    Priority.INFO: timedelta(hours=1),
}


@dataclass(frozen=True, slots=True)
class Observation:
    """Something seen or reported that carries an offense code."""

    code: str
    at: datetime
    camera_id: str | None = None
    track_id: int | None = None
    position: GeoPoint | None = None
    confidence: float = 1.0
    detail: str = ""
    snapshot_ref: str | None = None


@dataclass(frozen=True, slots=True)
class FoldPolicy:
    window: timedelta = timedelta(minutes=2)
    radius_m: float = 50.0

    def folds(self, alert: Alert, obs: Observation) -> bool:
        """True when ``obs`` repeats ``alert`` and should be counted into it."""
        if alert.code != obs.code or obs.at - alert.last_at > self.window or not alert.is_active:
            return False
        if alert.camera_id is not None and alert.camera_id == obs.camera_id:
            return alert.track_id is None or obs.track_id is None or alert.track_id == obs.track_id
        if alert.position is not None and obs.position is not None:
            return alert.position.distance_m(obs.position) <= self.radius_m
        return False


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    code: str
    priority: Priority
    first_at: datetime
    last_at: datetime
    camera_id: str | None = None
    track_id: int | None = None
    position: GeoPoint | None = None
    tenant_id: str | None = None
    count: int = 1
    status: AlertStatus = AlertStatus.OPEN
    detail: str = ""
    snapshot_ref: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    escalated_at: datetime | None = None
    incident_id: str | None = None
    sop_done: tuple[int, ...] = field(default_factory=tuple)
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status in {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED}

    def fold(self, obs: Observation) -> Alert:
        return replace(
            self, count=self.count + 1, last_at=max(self.last_at, obs.at), version=self.version + 1
        )

    @property
    def can_escalate(self) -> bool:
        """Open or acknowledged: not yet with a supervisor, in an incident or dismissed."""
        return self.status in {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED}

    def escalate(self, at: datetime) -> Alert:
        """Hand the alert to a supervisor (past its SLA, or by an operator's hand)."""
        return replace(self, status=AlertStatus.ESCALATED, escalated_at=at, version=self.version + 1)

    def overdue(self, now: datetime, sla: dict[Priority, timedelta]) -> bool:
        """Unacknowledged past its SLA and not yet escalated."""
        return self.status is AlertStatus.OPEN and now - self.first_at > sla[self.priority]

    def related_to(
        self, other: Alert, radius_m: float = 300.0, window: timedelta = timedelta(minutes=10)
    ) -> bool:
        """Near in space and time: a candidate for the same incident."""
        if self.id == other.id or self.position is None or other.position is None:
            return False
        near_in_time = abs(self.first_at - other.first_at) <= window
        return near_in_time and self.position.distance_m(other.position) <= radius_m
