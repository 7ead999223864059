"""The room's work on SQLite and the real PostgreSQL: alerts, incidents, dispatch, field intake, tickets."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy import text

from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, utc_now
from kuzet.domain.operations.alerts import Alert, AlertStatus, Observation
from kuzet.domain.operations.field import CitizenCall, MunicipalTicket, SosDevice, TicketStatus
from kuzet.domain.operations.incidents import ClosureCode, Incident, IncidentState
from kuzet.domain.operations.messages import (
    AcknowledgeAlert,
    ChangeIncidentState,
    DispatchUnits,
    EscalateOverdueAlerts,
    MoveTicket,
    OpenIncident,
    PressSosButton,
    RaiseAlert,
    ReportUnitPosition,
    TakeCitizenCall,
)
from kuzet.domain.operations.units import PatrolUnit, UnitKind, UnitStatus
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.context import Actor
from kuzet.services.operations.dispatch import DispatchAdvisor
from kuzet.services.operations.ports import StaleVersionError
from kuzet.services.operations.routing import RoadEdge, RoadNetwork

SYSTEM = Actor("system:test")
OP = Actor("operator")
ABAY = GeoPoint(43.2400, 76.9450)
T = TypeVar("T")


def cam(cid: str, lat: float, lon: float) -> Camera:
    return Camera(
        id=cid,
        name=cid,
        kind=CameraKind.STREET,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id="almaly",
        position=GeoPoint(lat, lon),
    )


def unit(uid: str, lat: float, lon: float) -> PatrolUnit:
    return PatrolUnit(
        uid, uid.upper(), UnitKind.PATROL_CAR, "almaly", UnitStatus.AVAILABLE, GeoPoint(lat, lon)
    )


@pytest.fixture
def ops(kuzet_any_db: Kuzet) -> Kuzet:
    kuzet_any_db.messagebus.handle(
        ImportSite(
            districts=(District("almaly", "Almaly", ABAY),),
            cameras=(
                cam("street-1", 43.2400, 76.9450),
                cam("street-2", 43.2405, 76.9452),
                cam("street-9", 43.30, 77.0),
            ),
            units=(unit("unit-1", 43.2000, 76.9450), unit("unit-2", 43.2000, 76.9550)),
        ),
        SYSTEM,
    )
    with kuzet_any_db.uow() as uow:
        uow.sos_devices.add(SosDevice("sos-1", GeoPoint(43.2401, 76.9449), "Abay Ave 10", "almaly"))
        uow.commit()
    return kuzet_any_db


def handle(kuzet: Kuzet, command: Command, kind: type[T], actor: Actor = OP) -> T:
    result = kuzet.messagebus.handle(command, actor)
    assert isinstance(result, kind), result
    return result


def raise_alert(
    kuzet: Kuzet,
    code: str = "fight",
    camera: str = "street-1",
    track: int | None = 7,
    at_offset_s: float = 0.0,
) -> Alert:
    obs = Observation(code, utc_now() + timedelta(seconds=at_offset_s), camera_id=camera, track_id=track)
    return handle(kuzet, RaiseAlert(observation=obs), Alert, SYSTEM)


def outbox_payloads(kuzet: Kuzet) -> list[str]:
    with kuzet.engine.connect() as conn:
        return list(conn.execute(text("SELECT payload FROM outbox ORDER BY id")).scalars())


def test_repeats_fold_into_one_alert_and_neighbours_are_related(ops: Kuzet) -> None:
    first = raise_alert(ops)
    again = raise_alert(ops, at_offset_s=5)
    other_track = raise_alert(ops, track=8, at_offset_s=6)
    neighbour = raise_alert(ops, code="bag_snatch", camera="street-2", track=None, at_offset_s=7)
    with ops.uow() as uow:
        alerts = uow.alerts.recent(TenantScope(None), active_only=True)
    assert {a.id for a in alerts} == {first.id, other_track.id, neighbour.id}
    assert again.id == first.id
    assert next(a for a in alerts if a.id == first.id).count == 2
    raised = [p for p in outbox_payloads(ops) if '"AlertRaised"' in p and neighbour.id in p]
    assert first.id in raised[0]


def test_alerts_past_their_sla_escalate_once(ops: Kuzet) -> None:
    old = raise_alert(ops, at_offset_s=-600)
    fresh = raise_alert(ops, code="crowd", camera="street-9", track=None)
    escalated = handle(ops, EscalateOverdueAlerts(now=utc_now()), list, SYSTEM)
    assert [a.id for a in escalated] == [old.id]
    assert handle(ops, EscalateOverdueAlerts(now=utc_now()), list, SYSTEM) == []
    with ops.uow() as uow:
        stored = uow.alerts.get(fresh.id)
    assert stored is not None
    assert stored.status is AlertStatus.OPEN


def test_two_operators_acknowledge_at_once_one_wins(ops: Kuzet) -> None:
    alert = raise_alert(ops)
    outcomes: list[str] = []

    def acknowledge(name: str) -> None:
        try:
            ops.messagebus.handle(
                AcknowledgeAlert(by=name, alert_id=alert.id, expected_version=1), Actor(name)
            )
            outcomes.append("won")
        except (StaleVersionError, ConflictError) as exc:
            outcomes.append(f"lost: {exc}")

    threads = [threading.Thread(target=acknowledge, args=(f"op{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["lost", "won"]
    assert "changed since you loaded it" in next(o for o in outcomes if o.startswith("lost"))
    with ops.uow() as uow:
        stored = uow.alerts.get(alert.id)
    assert stored is not None
    assert (stored.status, stored.version) == (AlertStatus.ACKNOWLEDGED, 2)


def test_incident_from_alerts_dispatch_and_close(ops: Kuzet) -> None:
    alert = raise_alert(ops)
    opened = OpenIncident(
        by="op", code="fight", position=None, summary="fight at Abay", alert_ids=(alert.id,)
    )
    incident = handle(ops, opened, Incident)
    assert incident.position == ABAY  # from the alert's camera
    send = DispatchUnits(by="op", incident_id=incident.id, unit_ids=("unit-1",), expected_version=1)
    dispatched = handle(ops, send, Incident)
    assert (dispatched.state, dispatched.unit_ids) == (IncidentState.DISPATCHED, ("unit-1",))
    with pytest.raises(ConflictError, match="not available: unit-1"):
        ops.messagebus.handle(
            DispatchUnits(
                by="op", incident_id=incident.id, unit_ids=("unit-1",), expected_version=dispatched.version
            ),
            OP,
        )
    current = dispatched
    for to in (IncidentState.ON_SCENE, IncidentState.RESOLVED):
        change = ChangeIncidentState(
            by="op", incident_id=incident.id, to=to, expected_version=current.version
        )
        current = handle(ops, change, Incident)
    close = ChangeIncidentState(
        by="op",
        incident_id=incident.id,
        to=IncidentState.CLOSED,
        expected_version=current.version,
        closure=ClosureCode.DETAINED,
    )
    closed = handle(ops, close, Incident)
    assert closed.closure_code is ClosureCode.DETAINED
    with ops.uow() as uow:
        freed, linked = uow.units.get("unit-1"), uow.alerts.get(alert.id)
    assert freed is not None
    assert freed.status is UnitStatus.AVAILABLE
    assert linked is not None
    assert (linked.status, linked.incident_id) == (
        AlertStatus.IN_INCIDENT,
        incident.id,
    )


def test_recommendation_follows_roads_not_straight_lines(ops: Kuzet) -> None:
    # unit-1 stands 800 m west of the incident across a river whose bridge is far north; unit-2 is farther
    # as the crow flies but on the incident's bank.
    nodes = {
        "w": GeoPoint(43.2000, 76.9450),
        "w_n": GeoPoint(43.2300, 76.9450),
        "e_n": GeoPoint(43.2300, 76.9550),
        "e": GeoPoint(43.2000, 76.9550),
        "e_s": GeoPoint(43.2000, 76.9680),
    }
    pairs = [("w", "w_n"), ("w_n", "e_n"), ("e_n", "e"), ("e", "e_s")]
    edges = [RoadEdge(a, b, nodes[a].distance_m(nodes[b]) / 11.1) for a, b in pairs]
    edges += [RoadEdge(b, a, e.travel_s) for (a, b), e in zip(pairs, edges, strict=True)]
    network = RoadNetwork.build(nodes, edges)
    with ops.uow() as uow:
        uow.unit_tracking.set_position("unit-2", nodes["e_s"], utc_now())
        uow.commit()
    incident = handle(ops, OpenIncident(by="op", code="fight", position=nodes["e"], summary="x"), Incident)
    ranked = DispatchAdvisor(ops.uow, network).recommend(incident.id, k=2)
    assert [r.unit_id for r in ranked] == ["unit-2", "unit-1"]
    assert ranked[1].straight_m < ranked[0].straight_m  # the nearer one as the crow flies comes second
    assert ranked[0].eta_s < ranked[1].eta_s
    # The road each ETA was timed on, for the console to draw: unit-1 goes round by the bridge.
    assert [GeoPoint(lat, lon) for lon, lat in ranked[1].route] == [
        nodes["w"],  # where unit-1 stands
        *(nodes[n] for n in ("w", "w_n", "e_n", "e")),
        nodes["e"],  # the incident
    ]
    assert ranked[0].route[0] == (nodes["e_s"].lon, nodes["e_s"].lat)


@pytest.mark.parametrize(
    ("unit_id", "position", "offset_s", "words"),
    [
        ("unit-99", GeoPoint(43.24, 76.94), 0, "unknown unit 'unit-99'"),
        ("unit-1", GeoPoint(10.0, 10.0), 0, "outside the map"),
        ("unit-1", GeoPoint(43.24, 76.94), -60, "is not newer than"),
    ],
)
def test_bad_positions_are_refused_and_change_nothing(
    ops: Kuzet, unit_id: str, position: GeoPoint, offset_s: int, words: str
) -> None:
    now = utc_now()
    ops.messagebus.handle(
        ReportUnitPosition(unit_id="unit-1", position=GeoPoint(43.21, 76.95), at=now), SYSTEM
    )
    with pytest.raises((NotFoundError, ConflictError), match=words):
        ops.messagebus.handle(
            ReportUnitPosition(unit_id=unit_id, position=position, at=now + timedelta(seconds=offset_s)),
            SYSTEM,
        )
    with ops.uow() as uow:
        stored = uow.units.get("unit-1")
    assert stored is not None
    assert stored.position == GeoPoint(43.21, 76.95)


def test_citizen_call_and_sos_open_incidents_near_cameras(ops: Kuzet) -> None:
    call = CitizenCall(
        "Aigerim",
        "+7 701 000 0000",
        "bag_snatch",
        GeoPoint(43.2402, 76.9451),
        "Abay Ave 12",
        "a man took a bag and ran towards Dostyk",
        utc_now(),
    )
    incident = handle(ops, TakeCitizenCall(by="duty", call=call), Incident)
    assert "Aigerim" in incident.summary
    sos = handle(ops, PressSosButton(device_id="sos-1", at=utc_now()), Incident, SYSTEM)
    assert (sos.code, int(sos.priority)) == ("sos_button", 1)
    with pytest.raises(NotFoundError, match="unregistered device 'sos-404'"):
        ops.messagebus.handle(PressSosButton(device_id="sos-404", at=utc_now()), SYSTEM)
    opened = [p for p in outbox_payloads(ops) if '"IncidentOpened"' in p and sos.id in p]
    assert '"street-1"' in opened[0]
    assert '"street-9"' not in opened[0]


def test_a_dark_street_light_becomes_a_municipal_ticket(ops: Kuzet) -> None:
    raise_alert(ops, code="streetlight_out", track=None)
    with ops.uow() as uow:
        (ticket,) = uow.tickets.recent(open_only=True)
    assert ticket.code == "streetlight_out"
    moved = handle(
        ops, MoveTicket(by="op", ticket_id=ticket.id, status=TicketStatus.ASSIGNED), MunicipalTicket
    )
    assert moved.status is TicketStatus.ASSIGNED
    with pytest.raises(ValueError, match="cannot go from assigned to open"):
        ops.messagebus.handle(MoveTicket(by="op", ticket_id=ticket.id, status=TicketStatus.OPEN), OP)
