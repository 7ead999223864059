"""The live feed sends every alert event, new ones included, only to those who may see that alert."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from kuzet.domain.messages import Event
from kuzet.domain.offenses import OffenseCategory, OffenseTaxonomy
from kuzet.domain.operations.alerts import AlertStatus
from kuzet.domain.operations.messages import AlertEscalated, AlertSopStepRecorded
from kuzet.domain.users.model import ROLE_PERMISSIONS, Role
from kuzet.services.operations.live_feed import ALERT_EVENTS, FEED_EVENTS, LiveFeed, Watcher

# Values for every field an alert event has (each type takes the ones it declares).
_VALUES: dict[str, object] = {
    "alert_id": "al-1",
    "priority": 2,
    "camera_id": "shop-1",
    "lat": None,
    "lon": None,
    "related_alert_ids": (),
    "count": 2,
    "by": "operator",
    "reason": "a reason",
    "waited_s": 10.0,
    "step": 0,
    "sop_done": (0,),
    "version": 3,
    "status": AlertStatus.OPEN,
}


def alert_event(kind: type[Event], code: str, tenant_id: str | None) -> Event:
    values = _VALUES | {"code": code, "tenant_id": tenant_id}
    given: dict[str, Any] = {f.name: values[f.name] for f in fields(kind) if f.name in values}
    return kind(**given)


def watcher(role: Role, tenant_id: str | None = None) -> Watcher:
    allowed = frozenset({OffenseCategory.PUBLIC_ORDER}) if tenant_id else None
    return Watcher(ROLE_PERMISSIONS[role], tenant_id, allowed)


def test_the_new_events_are_on_the_feed() -> None:
    assert AlertSopStepRecorded in ALERT_EVENTS
    assert AlertEscalated in ALERT_EVENTS
    assert set(ALERT_EVENTS) <= set(FEED_EVENTS)


@pytest.mark.parametrize("kind", ALERT_EVENTS, ids=lambda k: k.__name__)
@pytest.mark.parametrize(
    ("code", "tenant_id", "magnum_sees"),
    [
        ("loitering", "magnum-1", True),  # the shop's alert, a category it may see
        ("camera_covered", "magnum-1", False),  # the shop's, but not in its agreement
        ("fight", None, False),  # the city's camera: staff only
    ],
)
def test_each_alert_event_reaches_only_who_may_see_the_alert(
    kind: type[Event], code: str, tenant_id: str | None, magnum_sees: bool
) -> None:
    feed = LiveFeed(OffenseTaxonomy.default())
    event = alert_event(kind, code, tenant_id)
    assert feed.may_see(watcher(Role.OPERATOR), event)
    assert feed.may_see(watcher(Role.TENANT_VIEWER, "magnum-1"), event) is magnum_sees
    assert not feed.may_see(watcher(Role.TENANT_VIEWER, "school-12"), event)
    assert feed.may_see(watcher(Role.AUDITOR), event) is False
