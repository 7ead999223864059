"""A live Kuzet server on the simulated city, and a real Chromium driven by Playwright against it.

The server is ``kuzet demo`` in a scratch folder (its own SQLite, archive and port) serving the built
console from ``web/dist``; the browser is Debian's ``chromium`` (no browser download), started with the
flags that keep it from calling out to the internet. Every page records the requests it made and the
errors it printed, so each test can assert that nothing left 127.0.0.1 and nothing broke. Screenshots go
to ``test-artifacts/console/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from kuzet.sim.demo_server import demo_server

ROOT = Path(__file__).resolve().parents[3]
WEB_DIST = ROOT / "web" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "console"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not (WEB_DIST / "index.html").is_file():
        return f"{WEB_DIST} is not built (make web)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="session", autouse=True)
def _console_ready() -> None:
    why = _missing()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the console tests must run under CI: {why}")
    pytest.skip(why)


@dataclass(frozen=True)
class LiveServer:
    url: str
    operator_password: str

    def token(self, username: str, password: str) -> str:
        answer = httpx.post(f"{self.url}/api/auth/login", data={"username": username, "password": password})
        answer.raise_for_status()
        token: str = answer.json()["access_token"]
        return token

    def api(self, path: str, token: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_server(WEB_DIST, tmp_path_factory.mktemp("console-demo")) as live:
        yield LiveServer(live.url, live.operator_password)


def sign_in(page: Page, server: LiveServer) -> None:
    """Sign in as the demo operator and wait for the alert queue."""
    page.goto(server.url)
    page.get_by_label("Username").fill("operator")
    page.locator("input[type=password]").fill(server.operator_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("listbox", name="Alert queue").wait_for(timeout=15_000)


@dataclass
class PageRecord:
    """What one page did: every request's URL, and every error it printed or threw."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def left_localhost(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlsplit(u).scheme not in {"data", "blob"} and urlsplit(u).hostname != "127.0.0.1"
        ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope, not session: Playwright's sync API keeps an event loop running while it is open,
    # and pytest-asyncio's tests in later modules cannot start theirs under it.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, PageRecord]]:
    """A fresh browser context (no cookies) in English, recording requests and errors."""
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-US")
    context.add_init_script("localStorage.setItem('kuzet.language', 'en')")
    page = context.new_page()
    record = PageRecord()
    page.on("request", lambda r: record.requests.append(r.url))
    page.on("console", lambda m: record.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record.errors.append(str(e)))
    yield page, record
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()
