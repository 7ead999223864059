"""The site file's procedures (SOPs) and municipal services reach the alert router when Kuzet starts."""

from __future__ import annotations

from pathlib import Path

from kuzet.adapters.store import migrate
from kuzet.bootstrap import bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.alerts import Alert, Observation
from kuzet.domain.operations.messages import CompleteSopStep, RaiseAlert
from kuzet.domain.users.model import TenantScope
from kuzet.services.context import Actor

SITE = """
offenses:
  legal_articles: {fight: "CoAO art. 434"}
  procedures:
    fight:
      - Open the two nearest cameras and confirm the fight
      - Dispatch the nearest patrol car
      - Record the participants' descriptions
  municipal_services: {streetlight_out: "Almaty Jaryq"}
  ticket_hours: {streetlight_out: 12}
"""


def test_procedures_and_services_come_from_the_site_file(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE)
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'k.db'}", site_file=site, _env_file=None)
    kuzet = bootstrap(settings)
    try:
        migrate.upgrade(kuzet.engine)
        where = GeoPoint(43.25, 76.93)
        camera = Camera(
            id="street-1",
            name="x",
            kind=CameraKind.STREET,
            purpose=CameraPurpose.PUBLIC_ORDER,
            district_id="almaly",
            position=where,
        )
        kuzet.messagebus.handle(
            ImportSite(districts=(District("almaly", "Almaly", where),), cameras=(camera,)), Actor("test")
        )
        assert kuzet.taxonomy["fight"].legal_article == "CoAO art. 434"
        fight = kuzet.messagebus.handle(
            RaiseAlert(observation=Observation("fight", utc_now(), camera_id="street-1")), Actor("test")
        )
        assert isinstance(fight, Alert)
        done = kuzet.messagebus.handle(CompleteSopStep(by="op", alert_id=fight.id, step=1), Actor("op"))
        assert isinstance(done, Alert)
        assert done.sop_done == (1,)
        assert len(kuzet.operations.alert_policy.sops["fight"]) == 3
        kuzet.messagebus.handle(
            RaiseAlert(observation=Observation("streetlight_out", utc_now(), camera_id="street-1")),
            Actor("test"),
        )
        with kuzet.uow() as uow:
            (ticket,) = uow.tickets.recent()
            assert len(uow.alerts.recent(TenantScope(None))) == 2
        assert ticket.service == "Almaty Jaryq"
        assert round((ticket.due_at - ticket.opened_at).total_seconds()) == 12 * 3600
    finally:
        kuzet.dispose()
