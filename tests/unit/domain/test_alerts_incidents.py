from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import Priority
from kuzet.domain.operations.alerts import DEFAULT_SLA, Alert, AlertStatus, FoldPolicy, Observation
from kuzet.domain.operations.incidents import (
    ClosureCode,
    IllegalIncidentTransitionError,
    Incident,
    IncidentState,
    StaleIncidentError,
)

T0 = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
ABAY = GeoPoint(43.2400, 76.9450)


def alert(**changes: object) -> Alert:
    base = Alert(
        id="a1",
        code="fight",
        priority=Priority.HIGH,
        first_at=T0,
        last_at=T0,
        camera_id="street-1",
        track_id=7,
        position=ABAY,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("obs", "folds"),
    [
        (Observation("fight", T0 + timedelta(seconds=30), camera_id="street-1", track_id=7), True),
        (Observation("fight", T0 + timedelta(seconds=30), camera_id="street-1", track_id=8), False),
        (Observation("fight", T0 + timedelta(seconds=30), camera_id="street-1"), True),
        (Observation("fight", T0 + timedelta(minutes=3), camera_id="street-1", track_id=7), False),
        (Observation("crowd", T0 + timedelta(seconds=30), camera_id="street-1", track_id=7), False),
        (Observation("fight", T0 + timedelta(seconds=30), position=GeoPoint(43.2402, 76.9450)), True),
        (Observation("fight", T0 + timedelta(seconds=30), position=GeoPoint(43.2420, 76.9450)), False),
    ],
)
def test_fold_policy(obs: Observation, folds: bool) -> None:
    assert FoldPolicy().folds(alert(), obs) is folds


def test_dismissed_alerts_do_not_fold_and_folding_counts() -> None:
    obs = Observation("fight", T0 + timedelta(seconds=10), camera_id="street-1", track_id=7)
    assert not FoldPolicy().folds(alert(status=AlertStatus.DISMISSED), obs)
    folded = alert().fold(obs)
    assert (folded.count, folded.last_at, folded.version) == (2, obs.at, 2)


def test_sla_overdue_only_while_unacknowledged() -> None:
    late = T0 + DEFAULT_SLA[Priority.HIGH] + timedelta(seconds=1)
    assert alert().overdue(late, DEFAULT_SLA)
    assert not alert().overdue(T0 + timedelta(seconds=30), DEFAULT_SLA)
    assert not alert(status=AlertStatus.ACKNOWLEDGED).overdue(late, DEFAULT_SLA)


def test_related_alerts_are_near_in_space_and_time() -> None:
    near = alert(
        id="a2", code="bag_snatch", position=GeoPoint(43.2410, 76.9450), first_at=T0 + timedelta(minutes=2)
    )
    far = alert(id="a3", position=GeoPoint(43.2600, 76.9450))
    later = alert(id="a4", first_at=T0 + timedelta(hours=1))
    assert alert().related_to(near)
    assert not alert().related_to(far)
    assert not alert().related_to(later)


def incident() -> Incident:
    return Incident(
        id="i1", code="fight", priority=Priority.HIGH, position=ABAY, created_at=T0, created_by="op"
    )


def test_incident_lifecycle_to_closure() -> None:
    inc = incident()
    for step, to in enumerate(
        [IncidentState.DISPATCHED, IncidentState.EN_ROUTE, IncidentState.ON_SCENE, IncidentState.RESOLVED],
        start=1,
    ):
        inc = inc.transition(to, inc.version, T0 + timedelta(minutes=step))
    closed = inc.transition(
        IncidentState.CLOSED, inc.version, T0 + timedelta(minutes=9), ClosureCode.DETAINED
    )
    assert (closed.state, closed.closure_code, closed.version) == (
        IncidentState.CLOSED,
        ClosureCode.DETAINED,
        6,
    )


def test_illegal_transitions_name_the_allowed_ones() -> None:
    with pytest.raises(IllegalIncidentTransitionError, match="from new to on_scene"):
        incident().transition(IncidentState.ON_SCENE, 1, T0)
    resolved = incident().transition(IncidentState.RESOLVED, 1, T0)
    with pytest.raises(IllegalIncidentTransitionError, match="closure code"):
        resolved.transition(IncidentState.CLOSED, resolved.version, T0)


def test_second_operator_with_a_stale_version_loses() -> None:
    first = incident().transition(IncidentState.DISPATCHED, 1, T0)
    with pytest.raises(StaleIncidentError, match="changed since you loaded it"):
        first.transition(IncidentState.RESOLVED, 1, T0)


def test_units_are_added_once_each() -> None:
    inc = incident().with_units(("unit-1", "unit-2"), T0).with_units(("unit-2", "unit-3"), T0)
    assert inc.unit_ids == ("unit-1", "unit-2", "unit-3")
