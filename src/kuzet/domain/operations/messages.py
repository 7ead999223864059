"""Commands and events of the room's work: alerts, incidents, units, calls, SOS, municipal tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, Event
from kuzet.domain.operations.alerts import AlertStatus, Observation
from kuzet.domain.operations.field import CitizenCall, TicketStatus
from kuzet.domain.operations.incidents import ClosureCode, IncidentState
from kuzet.domain.operations.units import UnitStatus

# ---- commands -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RaiseAlert(Command):
    """From analytics, health or a person; machine-raised alerts are not audited one by one."""

    audited: ClassVar[bool] = False
    observation: Observation


@dataclass(frozen=True, kw_only=True)
class AcknowledgeAlert(Command):
    by: str
    alert_id: str
    expected_version: int


@dataclass(frozen=True, kw_only=True)
class DismissAlert(Command):
    by: str
    alert_id: str
    expected_version: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class EscalateAlert(Command):
    """An operator hands an alert to a supervisor before its SLA runs out (the reason is audited)."""

    by: str
    alert_id: str
    expected_version: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class CompleteSopStep(Command):
    by: str
    alert_id: str
    step: int


@dataclass(frozen=True, kw_only=True)
class EscalateOverdueAlerts(Command):
    audited: ClassVar[bool] = False
    now: datetime


@dataclass(frozen=True, kw_only=True)
class OpenIncident(Command):
    by: str
    code: str
    position: GeoPoint | None
    summary: str
    alert_ids: tuple[str, ...] = ()
    parent_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeIncidentState(Command):
    by: str
    incident_id: str
    to: IncidentState
    expected_version: int
    closure: ClosureCode | None = None


@dataclass(frozen=True, kw_only=True)
class AddIncidentNote(Command):
    by: str
    incident_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class DispatchUnits(Command):
    by: str
    incident_id: str
    unit_ids: tuple[str, ...]
    expected_version: int


@dataclass(frozen=True, kw_only=True)
class ReportUnitPosition(Command):
    audited: ClassVar[bool] = False
    unit_id: str
    position: GeoPoint
    at: datetime


@dataclass(frozen=True, kw_only=True)
class SetUnitStatus(Command):
    by: str
    unit_id: str
    status: UnitStatus


@dataclass(frozen=True, kw_only=True)
class TakeCitizenCall(Command):
    by: str
    call: CitizenCall


@dataclass(frozen=True, kw_only=True)
class PressSosButton(Command):
    audited: ClassVar[bool] = False
    device_id: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class MoveTicket(Command):
    by: str
    ticket_id: str
    status: TicketStatus
    note: str = ""


# ---- events ---------------------------------------------------------------------------------------


# Alert events carry the alert's new ``version`` and ``status`` so a console can update its copy without
# reading the alert again. Fields added later have defaults, so events written by an older Kuzet still
# decode: ``version`` 0 and ``status`` None there mean "not sent: read the alert".


@dataclass(frozen=True, kw_only=True)
class AlertRaised(Event):
    alert_id: str
    code: str
    priority: int
    camera_id: str | None
    tenant_id: str | None
    lat: float | None
    lon: float | None
    related_alert_ids: tuple[str, ...]
    version: int = 0
    status: AlertStatus | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None
    count: int = 1
    track_id: int | None = None
    detail: str = ""
    has_snapshot: bool = False
    procedure: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AlertFolded(Event):
    code: str
    alert_id: str
    count: int
    tenant_id: str | None
    version: int = 0
    status: AlertStatus | None = None
    last_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class AlertAcknowledged(Event):
    code: str
    alert_id: str
    by: str
    tenant_id: str | None
    version: int = 0
    status: AlertStatus | None = None


@dataclass(frozen=True, kw_only=True)
class AlertEscalated(Event):
    """Past its SLA (``by`` None, ``reason`` empty) or by hand (``by`` the operator, with a reason)."""

    alert_id: str
    code: str
    priority: int
    waited_s: float
    tenant_id: str | None
    version: int = 0
    status: AlertStatus | None = None
    escalated_at: datetime | None = None
    by: str | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class AlertDismissed(Event):
    code: str
    alert_id: str
    by: str
    reason: str
    tenant_id: str | None
    version: int = 0
    status: AlertStatus | None = None


@dataclass(frozen=True, kw_only=True)
class AlertSopStepRecorded(Event):
    """A step of the alert's procedure ticked off; ``sop_done`` is every step done so far."""

    code: str
    alert_id: str
    step: int
    sop_done: tuple[int, ...]
    by: str
    tenant_id: str | None
    version: int
    status: AlertStatus


@dataclass(frozen=True, kw_only=True)
class IncidentOpened(Event):
    incident_id: str
    code: str
    priority: int
    lat: float | None
    lon: float | None
    tenant_id: str | None
    nearest_camera_ids: tuple[str, ...]
    alert_ids: tuple[str, ...] = ()  # the alerts it took (now in_incident)


@dataclass(frozen=True, kw_only=True)
class IncidentStateChanged(Event):
    code: str
    incident_id: str
    state: str
    previous: str
    by: str
    tenant_id: str | None


@dataclass(frozen=True, kw_only=True)
class UnitsDispatched(Event):
    incident_id: str
    unit_ids: tuple[str, ...]
    code: str
    lat: float | None
    lon: float | None
    eta_s: tuple[float, ...]


@dataclass(frozen=True, kw_only=True)
class UnitMoved(Event):
    unit_id: str
    lat: float
    lon: float
    at: datetime


@dataclass(frozen=True, kw_only=True)
class UnitStatusChanged(Event):
    unit_id: str
    status: str
    previous: str


@dataclass(frozen=True, kw_only=True)
class TicketOpened(Event):
    ticket_id: str
    code: str
    service: str
    due_at: datetime


@dataclass(frozen=True, kw_only=True)
class TicketStatusChanged(Event):
    ticket_id: str
    status: str
    service: str


@dataclass(frozen=True, kw_only=True)
class PatrolUnitRegistered(Event):
    unit_id: str
    kind: str
    district_id: str
