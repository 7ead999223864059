"""Alert events carry what a console needs to update its copy; escalating by hand; incidents name alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import text

from kuzet.adapters.bus import codec
from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, Event, utc_now
from kuzet.domain.operations.alerts import Alert, AlertStatus, Observation
from kuzet.domain.operations.incidents import Incident
from kuzet.domain.operations.messages import (
    AcknowledgeAlert,
    AlertAcknowledged,
    AlertDismissed,
    AlertEscalated,
    AlertFolded,
    AlertRaised,
    AlertSopStepRecorded,
    CompleteSopStep,
    DismissAlert,
    EscalateAlert,
    EscalateOverdueAlerts,
    IncidentOpened,
    OpenIncident,
    RaiseAlert,
)
from kuzet.errors import ConflictError
from kuzet.services.context import Actor
from kuzet.services.operations.alerts import AlertPolicy, complete_sop_step
from kuzet.services.operations.ports import StaleVersionError

SYSTEM = Actor("system:test")
OP = Actor("operator")
ABAY = GeoPoint(43.2400, 76.9450)
T = TypeVar("T")


@pytest.fixture
def ops(kuzet_any_db: Kuzet) -> Kuzet:
    camera = Camera(
        id="street-1",
        name="street-1",
        kind=CameraKind.STREET,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id="almaly",
        position=ABAY,
    )
    kuzet_any_db.messagebus.handle(
        ImportSite(districts=(District("almaly", "Almaly", ABAY),), cameras=(camera,)), SYSTEM
    )
    return kuzet_any_db


def handle(kuzet: Kuzet, command: Command, kind: type[T], actor: Actor = OP) -> T:
    result = kuzet.messagebus.handle(command, actor)
    assert isinstance(result, kind), result
    return result


def raise_alert(kuzet: Kuzet, track: int = 7, at_offset_s: float = 0.0) -> Alert:
    obs = Observation(
        "fight", utc_now() + timedelta(seconds=at_offset_s), camera_id="street-1", track_id=track
    )
    return handle(kuzet, RaiseAlert(observation=obs), Alert, SYSTEM)


def events(kuzet: Kuzet, kind: type[T]) -> list[T]:
    with kuzet.engine.connect() as conn:
        payloads = conn.execute(text("SELECT payload FROM outbox ORDER BY id")).scalars()
        decoded: list[Event] = [codec.decode(p if isinstance(p, bytes) else p.encode()) for p in payloads]
    return [e for e in decoded if isinstance(e, kind)]


def stored(kuzet: Kuzet, alert_id: str) -> Alert:
    with kuzet.uow() as uow:
        alert = uow.alerts.get(alert_id)
    assert alert is not None
    return alert


def test_every_alert_event_carries_the_new_version_and_status(ops: Kuzet) -> None:
    alert = raise_alert(ops)
    raise_alert(ops, at_offset_s=5)  # folds
    handle(ops, AcknowledgeAlert(by="operator", alert_id=alert.id, expected_version=2), Alert)
    with ops.uow() as uow:
        complete_sop_step(
            CompleteSopStep(by="operator", alert_id=alert.id, step=1),
            uow,
            AlertPolicy(sops={"fight": ("look", "send", "note")}),
        )
        uow.commit()
    handle(ops, EscalateAlert(by="operator", alert_id=alert.id, expected_version=4, reason="armed"), Alert)
    handle(ops, DismissAlert(by="operator", alert_id=alert.id, expected_version=5, reason="a drill"), Alert)

    (raised,) = events(ops, AlertRaised)
    assert (raised.version, raised.status, raised.count, raised.track_id) == (1, AlertStatus.OPEN, 1, 7)
    assert (raised.first_at, raised.last_at) == (alert.first_at, alert.last_at)
    assert (raised.has_snapshot, raised.procedure) == (False, ())
    (folded,) = events(ops, AlertFolded)
    assert (folded.version, folded.status, folded.count) == (2, AlertStatus.OPEN, 2)
    assert folded.last_at is not None
    assert folded.last_at > alert.first_at
    (acked,) = events(ops, AlertAcknowledged)
    assert (acked.version, acked.status) == (3, AlertStatus.ACKNOWLEDGED)
    (step,) = events(ops, AlertSopStepRecorded)
    assert (step.step, step.sop_done, step.by, step.version, step.status) == (
        1,
        (1,),
        "operator",
        4,
        AlertStatus.ACKNOWLEDGED,
    )
    (up,) = events(ops, AlertEscalated)
    assert (up.version, up.status, up.by, up.reason) == (5, AlertStatus.ESCALATED, "operator", "armed")
    assert up.escalated_at == stored(ops, alert.id).escalated_at
    (gone,) = events(ops, AlertDismissed)
    assert (gone.version, gone.status) == (6, AlertStatus.DISMISSED)
    assert stored(ops, alert.id).version == 6


def test_escalation_past_the_sla_sends_the_same_event_without_a_person(ops: Kuzet) -> None:
    old = raise_alert(ops, at_offset_s=-600)
    handle(ops, EscalateOverdueAlerts(now=utc_now()), list, SYSTEM)
    (up,) = events(ops, AlertEscalated)
    assert (up.alert_id, up.version, up.status, up.by, up.reason) == (
        old.id,
        2,
        AlertStatus.ESCALATED,
        None,
        "",
    )
    assert up.waited_s >= 600


def test_escalating_by_hand_from_open_or_acknowledged_only(ops: Kuzet) -> None:
    alert = raise_alert(ops)
    up = handle(ops, EscalateAlert(by="op", alert_id=alert.id, expected_version=1, reason="armed"), Alert)
    assert (up.status, up.version) == (AlertStatus.ESCALATED, 2)
    assert up.escalated_at is not None
    with pytest.raises(ConflictError, match="is escalated, not open or acknowledged"):
        ops.messagebus.handle(EscalateAlert(by="op", alert_id=alert.id, expected_version=2, reason="x"), OP)
    acked = raise_alert(ops, track=8)
    handle(ops, AcknowledgeAlert(by="op", alert_id=acked.id, expected_version=1), Alert)
    again = handle(
        ops, EscalateAlert(by="op", alert_id=acked.id, expected_version=2, reason="needs a car"), Alert
    )
    assert again.status is AlertStatus.ESCALATED
    # An escalated alert is acknowledged by the supervisor as before; past the SLA it is not escalated twice.
    handle(ops, AcknowledgeAlert(by="sup", alert_id=alert.id, expected_version=2), Alert)
    assert handle(ops, EscalateOverdueAlerts(now=utc_now() + timedelta(hours=2)), list, SYSTEM) == []


def test_escalating_needs_the_version_seen_and_a_reason(ops: Kuzet) -> None:
    alert = raise_alert(ops)
    with pytest.raises(StaleVersionError, match="changed since you loaded it"):
        ops.messagebus.handle(EscalateAlert(by="op", alert_id=alert.id, expected_version=3, reason="x"), OP)
    with pytest.raises(ConflictError, match="needs a reason"):
        ops.messagebus.handle(EscalateAlert(by="op", alert_id=alert.id, expected_version=1, reason=" "), OP)
    assert stored(ops, alert.id).status is AlertStatus.OPEN
    assert events(ops, AlertEscalated) == []


def test_an_incident_opened_from_alerts_names_them(ops: Kuzet) -> None:
    first, second = raise_alert(ops, track=1), raise_alert(ops, track=2)
    command = OpenIncident(
        by="op", code="fight", position=None, summary="fight", alert_ids=(first.id, second.id)
    )
    incident = handle(ops, command, Incident)
    (opened,) = events(ops, IncidentOpened)
    assert (opened.incident_id, opened.alert_ids) == (incident.id, (first.id, second.id))
    assert stored(ops, first.id).status is AlertStatus.IN_INCIDENT
