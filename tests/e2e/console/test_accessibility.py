"""axe-core on each screen of the console: no violation of impact "serious" or "critical".

Screens: sign-in, the alert queue with an alert selected (so the verification pane shows), incidents
(the list and an incident's card; one is opened through the API first when the city has none yet), and
the city map. axe-core comes from npm (``web/node_modules/axe-core``, a pinned dev dependency) and is
read from disk here: nothing is fetched at run time.

How axe gets into the page: the console's Content-Security-Policy forbids inline scripts, and
``page.add_script_tag(content=...)`` is an inline script, so CSP would block it. This module's own
browser context is created with ``bypass_csp=True`` — for this test only, so the other console tests
still run under the real policy — and axe is injected with ``add_script_tag``. Evaluating axe's source
through ``page.evaluate`` would also work (DevTools evaluation is not subject to CSP), but a script tag
keeps axe's globals exactly as its documentation expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from .conftest import ARTIFACTS, ROOT, LiveServer, sign_in

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
ROW = "[role=listbox] [role=option]"
_SHOWN = 3  # nodes shown per rule, html and why


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"{AXE} is missing (cd web && npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    # bypass_csp: the page's CSP (no inline scripts) would block the injected axe-core script tag; the
    # other console tests use conftest's context, which keeps the real policy.
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-US", bypass_csp=True)
    context.add_init_script("localStorage.setItem('kuzet.language', 'en')")
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def _violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    blocking = []
    for v in found:
        if v.get("impact") in BLOCKING and v["nodes"]:
            blocking.append(v)
    return blocking


def _report(screen: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{screen}: {len(violations)} serious or critical accessibility violation(s)"]
    for v in violations:
        target = v["nodes"][0]["target"][0] if v["nodes"] and v["nodes"][0]["target"] else "?"
        lines.append(
            f"  {v['id']} ({v['impact']}): {v['help']} — first at {target} ({len(v['nodes'])} nodes)"
        )
        for node in v["nodes"][:_SHOWN]:
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {str(node.get('html', ''))[:160]}\n      {summary[:240]}")
    return "\n".join(lines)


def _ensure_incident(server: LiveServer) -> str:
    """The id of an incident: an open one of the city's, else one taken as a citizen call via the API."""
    token = server.token("operator", server.operator_password)
    incidents = server.api("/api/incidents", token).json()
    if incidents:
        return str(incidents[0]["id"])
    district = server.api("/api/districts", token).json()[0]  # its centre is on the map
    call = {
        "caller_name": "Axe Check",
        "caller_phone": "+7 700 000 00 00",
        "lat": district["lat"],
        "lon": district["lon"],
        "address": "accessibility check",
        "description": "an incident for the accessibility check",
    }
    answer = httpx.post(
        f"{server.url}/api/calls", json=call, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    answer.raise_for_status()
    return str(answer.json()["incident"]["id"])


def _check(page: Page, axe_source: str, screen: str) -> None:
    violations = _violations(page, axe_source)
    assert not violations, _report(screen, violations)


def test_the_sign_in_screen_has_no_serious_violations(
    live_server: LiveServer, page: Page, axe_source: str
) -> None:
    page.goto(live_server.url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=15_000)
    _check(page, axe_source, "sign-in")


def test_the_alert_queue_with_an_alert_selected_has_no_serious_violations(
    live_server: LiveServer, page: Page, axe_source: str
) -> None:
    sign_in(page, live_server)
    row = page.locator(ROW).first
    row.wait_for(timeout=40_000)
    row.click()
    page.wait_for_timeout(1_000)  # the verification pane has loaded its snapshot and nearest cameras
    _check(page, axe_source, "alert queue + verification pane")


def test_the_incidents_list_and_card_have_no_serious_violations(
    live_server: LiveServer, page: Page, axe_source: str
) -> None:
    incident_id = _ensure_incident(live_server)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/incidents/{incident_id}")
    page.locator(f"[data-testid=incident-card][data-incident='{incident_id}']").wait_for(timeout=15_000)
    page.wait_for_timeout(1_000)  # recommendations and the unit board have loaded
    _check(page, axe_source, "incidents (list + card)")


def test_the_city_map_has_no_serious_violations(live_server: LiveServer, page: Page, axe_source: str) -> None:
    sign_in(page, live_server)
    page.get_by_role("link", name="City map").click()
    page.locator("canvas.maplibregl-canvas").wait_for(timeout=15_000)
    page.wait_for_timeout(1_500)
    _check(page, axe_source, "city map")
