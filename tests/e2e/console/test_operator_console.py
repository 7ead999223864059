"""The operator console in a real browser against a live server on the simulated city.

An operator signs in, sees alerts arrive over the live feed, acknowledges one with the keyboard (the
server then holds it as acknowledged by that operator), opens an incident from a live alert, goes to it
and dispatches the unit the console recommends (the server then holds the incident as dispatched with
that unit), and opens the city map. No request leaves
127.0.0.1 and nothing is printed as an error during any of it. The city raises a camera alert every
~7 s, so "arrives live" means: a row the queue did not have when it loaded.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from .conftest import LiveServer, PageRecord, sign_in

ROW = "[role=listbox] [role=option]"


def _row_ids(page: Page) -> set[str]:
    return {str(e.get_attribute("id")) for e in page.locator(ROW).all()}


def _assert_clean(record: PageRecord) -> None:
    assert record.requests, "the page made no request at all"
    assert not record.left_localhost(), f"requests left 127.0.0.1: {record.left_localhost()}"
    assert not record.errors, f"the page printed errors: {record.errors}"


def test_an_alert_arrives_live_and_the_operator_acknowledges_it(
    live_server: LiveServer, console: tuple[Page, PageRecord]
) -> None:
    page, record = console
    sign_in(page, live_server)
    page.wait_for_timeout(1_500)  # the initial list has loaded by now
    before = _row_ids(page)
    page.wait_for_function(
        "([selector, known]) => [...document.querySelectorAll(selector)].some(e => !known.includes(e.id))",
        arg=[ROW, sorted(before)],
        timeout=40_000,
    )
    new_row = next(iter(_row_ids(page) - before))
    alert_id = new_row.removeprefix("alert-row-")
    page.locator(f"#{new_row}").click()
    page.keyboard.press("a")
    token = live_server.token("operator", live_server.operator_password)

    def status() -> Any:
        return live_server.api(f"/api/alerts/{alert_id}", token).json()

    for _ in range(50):
        if status()["status"] != "open":
            break
        page.wait_for_timeout(200)
    alert = status()
    assert alert["status"] == "acknowledged", alert
    assert alert["acknowledged_by"] == "operator"
    page.locator(f"#{new_row}[data-status=acknowledged]").wait_for(timeout=10_000)
    _assert_clean(record)


def test_the_operator_opens_an_incident_from_a_live_alert_and_dispatches_the_recommended_unit(
    live_server: LiveServer, console: tuple[Page, PageRecord]
) -> None:
    page, record = console
    sign_in(page, live_server)
    open_row = page.locator(f"{ROW}[data-status=open]").first
    open_row.wait_for(timeout=40_000)
    row_id = str(open_row.get_attribute("id"))
    alert_id = row_id.removeprefix("alert-row-")
    page.locator(f"#{row_id}").click()
    page.keyboard.press("i")
    dialog = page.get_by_role("dialog", name="Open an incident from this alert")
    dialog.get_by_label("Summary").wait_for()
    page.keyboard.press("Control+Enter")
    go = page.get_by_role("button", name="Go to incident (G)")
    go.wait_for(timeout=10_000)
    go.click()
    page.wait_for_url(re.compile(r"/incidents/[^/]+$"), timeout=10_000)
    incident_id = page.url.rsplit("/", 1)[1]
    card = page.locator(f"[data-testid=incident-card][data-incident='{incident_id}']")
    card.wait_for(timeout=10_000)

    recommended = page.get_by_test_id("dispatch-recommended")
    recommended.wait_for(timeout=15_000)
    unit_id = str(recommended.get_attribute("data-unit"))
    page.keyboard.press("s")  # the same as clicking "Send …, the recommended unit (S)"
    page.locator(f"[data-testid=assigned-units] [data-unit='{unit_id}']").wait_for(timeout=10_000)
    sent = "[data-status=dispatched], [data-status=busy]"
    page.locator(f"[data-testid=unit-board] tr[data-unit='{unit_id}']:is({sent})").wait_for(timeout=10_000)

    token = live_server.token("operator", live_server.operator_password)
    incident = live_server.api(f"/api/incidents/{incident_id}", token).json()
    # The demo's duty operator may move the city on, but this incident is ours: dispatched or further
    # along its way, with the unit the console sent.
    assert incident["state"] in {"dispatched", "en_route", "on_scene"}, incident
    assert unit_id in incident["unit_ids"], incident
    alert = live_server.api(f"/api/alerts/{alert_id}", token).json()
    assert alert["status"] == "in_incident", alert
    assert alert["incident_id"] == incident_id, alert
    unit = next(u for u in live_server.api("/api/units", token).json() if u["id"] == unit_id)
    assert unit["status"] in {"dispatched", "busy"}, unit
    page.locator(f"[data-testid=linked-alerts] >> text={alert_id}").wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # let the notifications settle for the screenshot
    _assert_clean(record)


def test_the_city_map_draws_from_the_servers_own_data(
    live_server: LiveServer, console: tuple[Page, PageRecord]
) -> None:
    page, record = console
    sign_in(page, live_server)
    with page.expect_response(lambda r: r.url.endswith("/api/map/roads") and r.status == 200):
        page.get_by_role("link", name="City map").click()
    page.locator("canvas.maplibregl-canvas").wait_for(timeout=15_000)
    page.wait_for_timeout(1_500)  # let it draw for the screenshot
    _assert_clean(record)


def test_a_signed_out_visitor_gets_the_sign_in_page_and_no_data(
    live_server: LiveServer, console: tuple[Page, PageRecord]
) -> None:
    page, record = console
    page.goto(f"{live_server.url}/alerts")
    page.get_by_role("button", name="Sign in").wait_for(timeout=15_000)
    fetched = [u for u in record.requests if "/api/alerts" in u or "/api/cameras" in u]
    assert not fetched, f"a signed-out page asked for data: {fetched}"
    assert not record.left_localhost()
