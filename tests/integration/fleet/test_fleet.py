"""Camera health and the fleet lifecycle on SQLite and the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.fleet.availability import HealthRecord
from kuzet.domain.fleet.health import HealthChange, HealthCondition
from kuzet.domain.fleet.lifecycle import (
    DeviceState,
    DeviceStatus,
    Disposition,
    IllegalTransitionError,
    MaintenanceStatus,
    MaintenanceTicket,
)
from kuzet.domain.fleet.messages import (
    ChangeDeviceState,
    CloseMaintenanceTicket,
    OpenOverdueMaintenanceTickets,
    RecordCameraHealth,
)
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, utc_now
from kuzet.domain.operations.alerts import Alert
from kuzet.domain.users.model import Tenant, TenantKind, TenantScope
from kuzet.services.context import Actor
from kuzet.services.fleet import health as camera_health
from kuzet.services.fleet.health import HealthOutcome
from kuzet.services.operations.ports import StaleVersionError

SYSTEM = Actor("system:test")
EVERYTHING = TenantScope(None)
OK, OFFLINE, FROZEN = HealthCondition.OK, HealthCondition.OFFLINE, HealthCondition.FROZEN
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def cam(cid: str, district: str, tenant: str | None = None) -> Camera:
    return Camera(
        id=cid,
        name=cid,
        kind=CameraKind.SHOP if tenant else CameraKind.STREET,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id=district,
        owner_tenant_id=tenant,
        position=GeoPoint(43.24, 76.94),
    )


@pytest.fixture
def fleet(kuzet_any_db: Kuzet) -> Kuzet:
    kuzet_any_db.messagebus.handle(
        ImportSite(
            districts=(
                District("almaly", "Almaly", GeoPoint(43.24, 76.94)),
                District("bostandyk", "Bostandyk", GeoPoint(43.22, 76.92)),
            ),
            tenants=(Tenant("magnum-1", "Magnum", TenantKind.SHOP),),
            cameras=(
                cam("street-1", "almaly"),
                cam("street-2", "almaly"),
                cam("street-3", "bostandyk"),
                cam("street-4", "bostandyk"),
                cam("shop-1", "almaly", "magnum-1"),
            ),
        ),
        SYSTEM,
    )
    return kuzet_any_db


def handle(kuzet: Kuzet, command: Command) -> object:
    return kuzet.messagebus.handle(command, SYSTEM)


def health(
    kuzet: Kuzet, camera_id: str, condition: HealthCondition, at: datetime, detail: str = ""
) -> HealthOutcome:
    previous = OK if condition is not OK else OFFLINE
    outcome = handle(
        kuzet,
        RecordCameraHealth(
            camera_id=camera_id, condition=condition, previous=previous, since=at, detail=detail
        ),
    )
    assert isinstance(outcome, HealthOutcome)
    return outcome


def state(kuzet: Kuzet, camera_id: str) -> DeviceStatus | None:
    with kuzet.uow() as uow:
        return uow.device_states.get(camera_id)


def test_a_bad_picture_is_stored_alerts_the_owner_and_faults_the_device(fleet: Kuzet) -> None:
    at = utc_now() - timedelta(minutes=5)
    outcome = health(fleet, "shop-1", HealthCondition.COVERED, at, "lens covered: 97% featureless")
    assert isinstance(outcome.alert, Alert)
    assert (outcome.alert.code, outcome.alert.camera_id) == ("camera_covered", "shop-1")
    assert outcome.alert.tenant_id == "magnum-1"  # the same alert path: the owner tenant sees it
    device = state(fleet, "shop-1")
    assert device is not None
    assert (device.state, device.since, device.reason) == (
        DeviceState.FAULT,
        at,
        "covered: lens covered: 97% featureless",
    )
    with fleet.uow() as uow:
        latest = uow.camera_health.latest("shop-1")
        assert latest is not None
        assert (latest.condition, latest.since) == (HealthCondition.COVERED, at)
        assert [a.code for a in uow.alerts.recent(TenantScope("magnum-1"))] == ["camera_covered"]

    back = health(fleet, "shop-1", OK, at + timedelta(minutes=3))
    assert back.alert is None
    assert back.device.state is DeviceState.IN_SERVICE
    assert state(fleet, "shop-1") == back.device
    with fleet.uow() as uow:
        assert camera_health.cameras_down_now(uow, EVERYTHING) == []
        assert [s.state for s in uow.device_states.history("shop-1")] == [
            DeviceState.FAULT,
            DeviceState.IN_SERVICE,
        ]


def test_expected_downtime_is_stored_without_an_alert(fleet: Kuzet) -> None:
    until = utc_now() + timedelta(days=2)
    handle(
        fleet,
        ChangeDeviceState(
            by="supervisor",
            camera_id="street-1",
            to=DeviceState.PLANNED_OUTAGE,
            reason="road works",
            expected_end=until,
        ),
    )
    outcome = health(fleet, "street-1", OFFLINE, utc_now(), "no frames for 30 s")
    assert outcome.alert is None
    assert outcome.device.state is DeviceState.PLANNED_OUTAGE
    with fleet.uow() as uow:
        assert uow.alerts.recent(EVERYTHING) == []
        [down] = camera_health.cameras_down_now(uow, EVERYTHING)
    assert (down.camera_id, down.condition, down.device_state) == (
        "street-1",
        OFFLINE,
        DeviceState.PLANNED_OUTAGE,
    )


def test_a_redelivered_change_is_stored_once(fleet: Kuzet) -> None:
    change = HealthChange("street-2", FROZEN, OK, (utc_now() - timedelta(minutes=1)).timestamp(), "unchanged")
    first = handle(fleet, RecordCameraHealth.of(change.to_event()))
    again = handle(fleet, RecordCameraHealth.of(change))
    assert isinstance(first, HealthOutcome)
    assert isinstance(again, HealthOutcome)
    assert not first.duplicate
    assert again.duplicate
    with fleet.uow() as uow:
        assert len(uow.camera_health.in_window(T0, utc_now() + timedelta(hours=1), EVERYTHING)) == 1
        assert len(uow.alerts.recent(EVERYTHING)) == 1


def test_cameras_down_now_says_since_when_and_why_per_scope(fleet: Kuzet) -> None:
    now = utc_now()
    health(fleet, "street-1", FROZEN, now - timedelta(hours=2), "frozen")
    health(fleet, "street-1", OFFLINE, now - timedelta(hours=1), "connection refused")
    health(fleet, "street-2", OFFLINE, now - timedelta(hours=3), "timeout")
    health(fleet, "street-2", OK, now - timedelta(minutes=10))
    health(fleet, "shop-1", HealthCondition.MOVED, now - timedelta(minutes=30), "view shifted 40%")
    with fleet.uow() as uow:
        everything = camera_health.cameras_down_now(uow, EVERYTHING)
        shop = camera_health.cameras_down_now(uow, TenantScope("magnum-1"))
        bostandyk = camera_health.cameras_down_now(uow, EVERYTHING, "bostandyk")
    assert [(d.camera_id, d.condition, d.since, d.detail) for d in everything] == [
        ("street-1", OFFLINE, now - timedelta(hours=1), "connection refused"),
        ("shop-1", HealthCondition.MOVED, now - timedelta(minutes=30), "view shifted 40%"),
    ]
    assert [d.camera_id for d in shop] == ["shop-1"]
    assert bostandyk == []


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def script(kuzet: Kuzet) -> None:
    """street-1: down 30 of 120 min; street-2: down since before the window, ok after 30 min;
    street-3: nothing recorded; street-4: planned outage for the first hour, then down 30 min."""
    changes = [
        ("street-1", OFFLINE, minutes(30)),
        ("street-1", OK, minutes(60)),
        ("street-2", FROZEN, minutes(-60)),
        ("street-2", OK, minutes(30)),
        ("street-4", OFFLINE, minutes(-10)),
        ("street-4", OK, minutes(90)),
        ("shop-1", OFFLINE, minutes(200)),  # after the window: does not count
    ]
    with kuzet.uow() as uow:
        for camera_id, condition, at in changes:
            uow.camera_health.add(HealthRecord(camera_id, condition, OK, at, "", at))
        outage = DeviceStatus(
            "street-4", DeviceState.PLANNED_OUTAGE, minutes(-20), "works", minutes(60), version=1
        )
        uow.device_states.save(outage, 0)
        uow.device_states.save(DeviceStatus("street-4", DeviceState.IN_SERVICE, minutes(60), version=2), 1)
        uow.commit()


def test_uptime_per_camera_and_district_from_the_history(fleet: Kuzet) -> None:
    script(fleet)
    end = T0 + timedelta(hours=2)
    with fleet.uow() as uow:
        report = camera_health.uptime(uow, EVERYTHING, T0, end)
        one = camera_health.uptime(uow, EVERYTHING, T0, end, camera_id="street-1")
        tenant = camera_health.uptime(uow, TenantScope("magnum-1"), T0, end)
    shares = {a.subject: a.fraction for a in report.cameras}
    assert shares == {"street-1": 0.75, "street-2": 0.75, "street-3": 1.0, "street-4": 0.5, "shop-1": 1.0}
    owed = {a.subject: a.owed_s for a in report.cameras}
    assert owed["street-4"] == 3600.0  # the planned hour is not owed
    districts = {a.subject: a.fraction for a in report.districts}
    assert districts["almaly"] == pytest.approx((1.5 + 1.5 + 2) / 6)
    assert districts["bostandyk"] == pytest.approx((2 + 0.5) / 3)
    assert [(a.subject, a.fraction) for a in one.cameras] == [("street-1", 0.75)]
    assert [a.subject for a in tenant.cameras] == ["shop-1"]
    assert [(a.subject, a.fraction) for a in tenant.districts] == [("almaly", 1.0)]


def test_a_long_fault_opens_exactly_one_maintenance_ticket(fleet: Kuzet) -> None:
    now = utc_now()
    health(fleet, "street-1", OFFLINE, now - timedelta(minutes=45), "no frames")
    health(fleet, "street-2", OFFLINE, now - timedelta(minutes=10), "no frames")  # not yet overdue
    first = handle(fleet, OpenOverdueMaintenanceTickets(now=now))
    again = handle(fleet, OpenOverdueMaintenanceTickets(now=now + timedelta(minutes=1)))
    assert isinstance(first, list)
    assert isinstance(again, list)
    assert [t.camera_id for t in first] == ["street-1"]
    assert again == []
    [ticket] = first
    assert isinstance(ticket, MaintenanceTicket)
    assert ticket.reason == "offline: no frames"

    health(fleet, "street-1", OK, now)  # recovers by itself: the ticket waits for the technician
    with fleet.uow() as uow:
        assert [t.id for t in uow.maintenance_tickets.list(EVERYTHING, open_only=True)] == [ticket.id]
    closed = handle(
        fleet, CloseMaintenanceTicket(by="tech", ticket_id=ticket.id, resolution="replaced PoE injector")
    )
    assert isinstance(closed, MaintenanceTicket)
    assert (closed.status, closed.resolution) == (MaintenanceStatus.CLOSED, "replaced PoE injector")
    with fleet.uow() as uow:
        assert uow.maintenance_tickets.list(EVERYTHING, open_only=True) == []
        assert uow.maintenance_tickets.get(ticket.id) == closed
    with pytest.raises(ValueError, match="already closed"):
        handle(fleet, CloseMaintenanceTicket(by="tech", ticket_id=ticket.id, resolution="again"))


def test_lifecycle_rules_are_enforced_in_the_store(fleet: Kuzet) -> None:
    def move(to: DeviceState, **kw: object) -> object:
        return handle(fleet, ChangeDeviceState(by="supervisor", camera_id="street-3", to=to, **kw))  # type: ignore[arg-type]

    with pytest.raises(
        IllegalTransitionError, match="allowed: decommissioned, fault, planned_outage, under_repair"
    ):
        move(DeviceState.INSTALLED)
    repair = move(DeviceState.UNDER_REPAIR, reason="new lens", expected_version=0)
    assert isinstance(repair, DeviceStatus)
    assert repair.version == 1
    with pytest.raises(StaleVersionError, match="changed since you loaded it"):
        move(DeviceState.IN_SERVICE, expected_version=0)
    with pytest.raises(IllegalTransitionError, match="needs a reason and a disposition"):
        move(DeviceState.DECOMMISSIONED, reason="worn out")
    gone = move(DeviceState.DECOMMISSIONED, reason="worn out", disposition=Disposition.SPARE_PARTS)
    assert isinstance(gone, DeviceStatus)
    assert gone.disposition is Disposition.SPARE_PARTS
    with pytest.raises(IllegalTransitionError, match="none"):
        move(DeviceState.IN_SERVICE)
    assert health(fleet, "street-3", OFFLINE, utc_now()).alert is None  # written off: no alarm
