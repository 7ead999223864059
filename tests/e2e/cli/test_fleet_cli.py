"""``kuzet fleet`` as an operator runs it: real processes, one SQLite database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kuzet.domain.fleet.health import HealthCondition
from kuzet.domain.fleet.messages import OpenOverdueMaintenanceTickets, RecordCameraHealth
from kuzet.domain.messages import utc_now
from kuzet.services.context import Actor
from tests.conftest import wire
from tests.e2e.cli.test_cli import GOOD_SITE, assert_clean_failure, kuzet


def test_fleet_status_set_uptime_and_tickets(tmp_path: Path) -> None:
    db = tmp_path / "kuzet.db"
    assert kuzet(db, "db", "upgrade").returncode == 0
    site = tmp_path / "site.yaml"
    site.write_text(GOOD_SITE)
    assert kuzet(db, "camera", "import", str(site)).returncode == 0
    app = wire(f"sqlite:///{db}")  # the health worker's side: a change recorded 45 minutes ago
    try:
        since = utc_now() - timedelta(minutes=45)
        app.messagebus.handle(
            RecordCameraHealth(
                camera_id="shop-0001",
                condition=HealthCondition.COVERED,
                previous=HealthCondition.OK,
                since=since,
                detail="lens covered",
            ),
            Actor("system:test"),
        )
        app.messagebus.handle(OpenOverdueMaintenanceTickets(now=utc_now()), Actor("system:test"))
    finally:
        app.dispose()

    until = (utc_now() + timedelta(days=1)).isoformat()
    moved = kuzet(
        db, "fleet", "set", "street-0001", "planned_outage", "--reason", "road works", "--until", until
    )
    assert moved.returncode == 0, moved.stderr
    assert "street-0001 is now planned_outage (road works)" in moved.stdout

    status = kuzet(db, "fleet", "status")
    assert status.returncode == 0, status.stderr
    assert "1 down" in status.stdout
    assert "shop-0001" in status.stdout
    assert "lens covered" in status.stdout
    assert "0h 4" in status.stdout
    assert "planned_outage 1" in status.stdout
    assert "road works" in status.stdout

    assert_clean_failure(kuzet(db, "fleet", "set", "street-0001", "installed"), "allowed:", "under_repair")
    assert_clean_failure(
        kuzet(db, "fleet", "set", "street-0001", "decommissioned", "--reason", "worn out"), "disposition"
    )
    assert_clean_failure(kuzet(db, "fleet", "set", "nope-0001", "fault"), "not found")

    uptime = kuzet(db, "fleet", "uptime", "--days", "1")
    assert uptime.returncode == 0, uptime.stderr
    assert "street-0001" in uptime.stdout
    assert "almaly" in uptime.stdout
    assert "100.00%" in uptime.stdout

    tickets = kuzet(db, "fleet", "tickets")
    assert tickets.returncode == 0, tickets.stderr
    assert "1 open maintenance tickets" in tickets.stdout
    assert "covered: lens covered" in tickets.stdout
    ticket_id = next(w for w in tickets.stdout.split() if w.startswith("mt-"))
    closed = kuzet(db, "fleet", "close", ticket_id, "--resolution", "cleaned the lens")
    assert closed.returncode == 0, closed.stderr
    assert "0 open maintenance tickets" in kuzet(db, "fleet", "tickets").stdout
