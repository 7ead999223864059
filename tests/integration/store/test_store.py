"""Repositories, the unit of work, the audit chain and the outbox on SQLite and the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kuzet.adapters.bus.memory import InMemoryEventBus
from kuzet.adapters.store.outbox import OutboxRelay
from kuzet.bootstrap import Kuzet
from kuzet.domain.audit.chain import AuditEntry
from kuzet.domain.cameras.messages import CameraRegistered, ImportSite, RegisterCamera
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Event, utc_now
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users.model import Tenant, TenantKind, TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.context import Actor

ALMALY = District("almaly", "Almaly", GeoPoint(43.25, 76.93))
SHOP = Tenant("magnum-1", "Magnum Abay", TenantKind.SHOP, frozenset({OffenseCategory.PUBLIC_ORDER}))
ACTOR = Actor("cli:test", reason="test")


def camera(cid: str, tenant: str | None = None, district: str = "almaly") -> Camera:
    return Camera(
        id=cid,
        name=f"cam {cid}",
        kind=CameraKind.SHOP if tenant else CameraKind.STREET,
        purpose=CameraPurpose.PUBLIC_ORDER,
        district_id=district,
        owner_tenant_id=tenant,
        position=GeoPoint(43.25, 76.93),
        heading_deg=45.0,
    )


def seed(kuzet: Kuzet, *cameras: Camera) -> None:
    kuzet.messagebus.handle(ImportSite(districts=(ALMALY,), tenants=(SHOP,), cameras=cameras), ACTOR)


def test_cameras_round_trip_and_tenant_scope(kuzet_any_db: Kuzet) -> None:
    seed(kuzet_any_db, camera("street-1"), camera("shop-1", "magnum-1"), camera("shop-2", "magnum-1"))
    with kuzet_any_db.uow() as uow:
        everything = uow.cameras.list(TenantScope(None))
        shop_only = uow.cameras.list(TenantScope("magnum-1"))
        assert uow.cameras.get("street-1", TenantScope("magnum-1")) is None
        assert uow.cameras.get("street-1", TenantScope(None)) == camera("street-1")
    assert [c.id for c in everything] == ["shop-1", "shop-2", "street-1"]
    assert [c.id for c in shop_only] == ["shop-1", "shop-2"]


def test_a_failed_import_stores_nothing(kuzet_any_db: Kuzet) -> None:
    seed(kuzet_any_db, camera("street-1"))
    bad = ImportSite(cameras=(camera("street-2"), camera("street-3", district="nowhere")))
    with pytest.raises(NotFoundError, match="street-3: unknown district 'nowhere'"):
        kuzet_any_db.messagebus.handle(bad, ACTOR)
    with pytest.raises(ConflictError, match="street-1"):
        kuzet_any_db.messagebus.handle(RegisterCamera(camera=camera("street-1")), ACTOR)
    with kuzet_any_db.uow() as uow:
        assert [c.id for c in uow.cameras.list(TenantScope(None))] == ["street-1"]
        outbox = uow.session.execute(text("SELECT count(*) FROM outbox")).scalar_one()  # type: ignore[attr-defined]
    assert outbox == 1  # only the first, committed registration


def test_every_change_is_audited_in_its_transaction(kuzet_any_db: Kuzet) -> None:
    seed(kuzet_any_db, camera("street-1"))
    kuzet_any_db.messagebus.handle(
        RegisterCamera(camera=camera("street-2")), Actor("admin", case_number="K-7")
    )
    records = kuzet_any_db.audit.recent(10)
    assert [(r.entry.actor, r.entry.action, r.entry.target) for r in records[:1]] == [
        ("admin", "register_camera", "camera:street-2")
    ]
    assert records[0].entry.case_number == "K-7"
    assert kuzet_any_db.audit.verify().intact


def test_audit_rows_refuse_update_and_delete(kuzet_any_db: Kuzet) -> None:
    kuzet_any_db.audit.record(AuditEntry(actor="op", action="view_cameras", at=utc_now()))
    with kuzet_any_db.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE audit_records SET actor = 'x'"))
        conn.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("DELETE FROM audit_records"))


def drop_append_only_guard(kuzet: Kuzet) -> None:
    """What an intruder with database rights would do first."""
    with kuzet.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_records_no_update"))
            conn.execute(text("DROP TRIGGER audit_records_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_records_append_only ON audit_records"))


def test_verify_names_an_edited_and_a_deleted_record(kuzet_any_db: Kuzet) -> None:
    for i in range(1, 11):
        kuzet_any_db.audit.record(
            AuditEntry(actor="op", action="view_camera", at=utc_now(), target=f"cam:{i}")
        )
    assert kuzet_any_db.audit.verify().intact
    drop_append_only_guard(kuzet_any_db)
    with kuzet_any_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_records SET target = 'cam:99' WHERE seq = 4"))
        conn.execute(text("DELETE FROM audit_records WHERE seq = 8"))
    report = kuzet_any_db.audit.verify()
    assert not report.intact
    assert [p.seq for p in report.problems] == [4, 8]
    assert "edited" in report.problems[0].problem
    assert "deleted" in report.problems[1].problem


async def test_outbox_relay_publishes_committed_events_once(kuzet_any_db: Kuzet) -> None:
    bus = InMemoryEventBus()
    await bus.start()
    received: list[Event] = []

    async def collect(event: Event) -> None:
        received.append(event)

    await bus.subscribe("test", [CameraRegistered], collect)
    seed(kuzet_any_db, camera("street-1"), camera("street-2"))
    relay = OutboxRelay(kuzet_any_db.session_factory, bus)
    assert await relay.publish_pending() == 2
    assert await relay.publish_pending() == 0
    await bus.wait_idle()
    await bus.close()
    assert [e.camera_id for e in received if isinstance(e, CameraRegistered)] == ["street-1", "street-2"]
