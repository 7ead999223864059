"""An analytics hit through ``HitRecorder`` to the operator's screen: the alert, its snapshot, the audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from kuzet.bootstrap import Kuzet
from kuzet.domain.users.model import Role
from kuzet.ingest.analytics import AnalyticsHit
from kuzet.ingest.hits import HitRecorder
from kuzet.sim.scenes import VTEST_PATH, read_frames
from kuzet.vision.rules.base import RuleHit
from kuzet.vision.snapshots import render_snapshot
from tests.e2e.api.conftest import AUTH

BOX = (300.0, 200.0, 360.0, 380.0)


def hit_on(camera_id: str, folder: Path) -> AnalyticsHit:
    frame = read_frames(VTEST_PATH, [40])[0]
    snapshot = folder / f"{camera_id}.jpg"
    snapshot.write_bytes(render_snapshot(frame, [BOX], ["intrusion #7"]))
    rule_hit = RuleHit(
        rule_id="floor-entry",
        code="intrusion",
        time=1_796_000_000.0,
        confidence=0.8,
        track_ids=(7,),
        bbox=BOX,
        zone="floor",
        detail="entered the zone",
    )
    return AnalyticsHit(camera_id, rule_hit, (768, 576), snapshot, clip_before_s=10, clip_after_s=20)


def alert_of(client: TestClient, headers: AUTH, camera_id: str) -> dict[str, object]:
    alerts = client.get("/api/alerts", headers=headers).json()
    return next(a for a in alerts if a["camera_id"] == camera_id)


def test_the_operator_sees_the_snapshot_and_each_view_is_audited(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH], tmp_path: Path
) -> None:
    recorder = HitRecorder(kuzet)
    recorder(hit_on("street-1", tmp_path))
    assert not (tmp_path / "street-1.jpg").exists(), "the recorder takes the worker's file over"
    operator = auth(Role.OPERATOR)

    alert = alert_of(client, operator, "street-1")
    assert alert["code"] == "intrusion"
    assert alert["track_id"] == 7
    assert "rule floor-entry; zone floor; entered the zone; clip " in str(alert["detail"])
    assert alert["snapshot_url"] == f"/api/alerts/{alert['id']}/snapshot.jpg"

    response = client.get(str(alert["snapshot_url"]), headers=operator)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
    with kuzet.uow() as uow:
        stored = uow.alerts.get(str(alert["id"]))
    assert stored is not None
    assert stored.snapshot_ref is not None
    assert kuzet.archive.storage.locate(stored.snapshot_ref).read_bytes() == response.content
    viewed = [
        r.entry for r in kuzet.audit.recent(5, actor="operator") if r.entry.action == "view_alert_snapshot"
    ]
    assert [e.target for e in viewed] == [f"alert_id:{alert['id']}"]

    assert client.get(str(alert["snapshot_url"])).status_code == 401


def test_a_tenant_sees_only_its_own_cameras_snapshots(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH], tmp_path: Path
) -> None:
    recorder = HitRecorder(kuzet)
    recorder(hit_on("street-1", tmp_path))
    recorder(hit_on("shop-1", tmp_path))
    operator, shop = auth(Role.OPERATOR), auth(Role.TENANT_VIEWER)
    street_alert, shop_alert = alert_of(client, operator, "street-1"), alert_of(client, operator, "shop-1")

    assert client.get(str(shop_alert["snapshot_url"]), headers=shop).status_code == 200
    assert client.get(str(street_alert["snapshot_url"]), headers=shop).status_code == 404


def test_an_alert_without_a_snapshot_or_with_a_lost_one_says_so(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH], tmp_path: Path
) -> None:
    HitRecorder(kuzet)(hit_on("street-1", tmp_path))
    operator = auth(Role.OPERATOR)
    alert = alert_of(client, operator, "street-1")
    with kuzet.uow() as uow:
        stored = uow.alerts.get(str(alert["id"]))
    assert stored is not None
    assert stored.snapshot_ref is not None
    kuzet.archive.storage.locate(stored.snapshot_ref).unlink()
    gone = client.get(str(alert["snapshot_url"]), headers=operator)
    assert gone.status_code == 410
    assert "no longer stored" in gone.json()["detail"]

    lost = hit_on("shop-1", tmp_path)
    lost.snapshot.unlink()  # the worker's file never arrived: the alert is raised all the same
    HitRecorder(kuzet)(lost)
    shop_alert = alert_of(client, operator, "shop-1")
    assert shop_alert["snapshot_url"] is None
    assert client.get(f"/api/alerts/{shop_alert['id']}/snapshot.jpg", headers=operator).status_code == 404
