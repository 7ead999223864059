"""The console's build at ``/`` (index.html for its screens, cached assets), and every answer's headers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kuzet.api.app import create_app
from kuzet.api.headers import script_hashes
from kuzet.bootstrap import Kuzet

INDEX = (
    '<!doctype html><html><body><div id="root"></div>'
    '<script type="module" src="/assets/index-3f9a1c.js"></script></body></html>'
)
SCRIPT = "console.log('kuzet console')"
# The policy the console and the API are served with (for the test client's Host, testserver).
POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "connect-src 'self' ws://testserver wss://testserver"
)


def console_app(kuzet: Kuzet, folder: Path) -> TestClient:
    settings = kuzet.settings.model_copy(update={"web_path": folder})
    return TestClient(create_app(dataclasses.replace(kuzet, settings=settings)))


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A console build as Vite writes it."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "assets" / "index-3f9a1c.js").write_text(SCRIPT, encoding="utf-8")
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for the web", encoding="utf-8")
    return folder


@pytest.fixture
def console(kuzet: Kuzet, build: Path) -> Iterator[TestClient]:
    with console_app(kuzet, build) as client:
        yield client


def test_the_root_serves_the_consoles_index_revalidated_each_time(console: TestClient) -> None:
    response = console.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-cache"
    again = console.get("/", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("screen", ["/incidents/42", "/map", "/archive/cam-1/2026-05-03T10:00:00Z"])
def test_a_screen_of_the_console_gets_the_index(console: TestClient, screen: str) -> None:
    response = console.get(screen)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year_and_a_missing_one_is_a_404(console: TestClient) -> None:
    asset = console.get("/assets/index-3f9a1c.js")
    assert asset.status_code == 200
    assert asset.text == SCRIPT
    assert "javascript" in asset.headers["content-type"]
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    gone = console.get("/assets/index-0ld0ne.js")  # an old build's script: not the index as JavaScript
    assert gone.status_code == 404
    assert "immutable" not in gone.headers.get("Cache-Control", "")
    icon = console.get("/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["Cache-Control"] == "no-cache"
    assert console.head("/").status_code == 200


def test_the_api_keeps_its_own_404_and_the_console_only_serves_reads(console: TestClient) -> None:
    for path in ("/api/nothing-here", "/api", "/api/cameras/street-1/nothing"):
        missing = console.get(path)
        assert missing.status_code == 404, path
        assert missing.json() == {"detail": "Not Found", "errors": []}
    posted = console.post("/incidents/42")
    assert posted.status_code == 405
    assert posted.headers["Allow"] == "GET, HEAD"
    assert set(posted.json()) == {"detail", "errors"}
    api = console.request("OPTIONS", "/api/cameras")
    assert api.headers["Allow"] == "GET, POST", "an API path lists its own methods"


def test_nothing_outside_the_build_folder_is_served(console: TestClient) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"):
        response = console.get(path)
        assert "not for the web" not in response.text, path


def test_without_a_build_the_root_says_how_to_build_it(kuzet: Kuzet, tmp_path: Path) -> None:
    with console_app(kuzet, tmp_path / "no-such-build") as client:
        for path in ("/", "/incidents/42"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("text/html")
            assert "console is not built" in response.text
            assert "make demo" in response.text
            assert response.headers["Content-Security-Policy"] == POLICY
        assert client.get("/api/health").status_code == 200


def test_every_answer_carries_the_strict_policy_and_no_sniffing(console: TestClient) -> None:
    for path in ("/", "/assets/index-3f9a1c.js", "/incidents/42", "/api/health", "/api/cameras", "/api/x"):
        response = console.get(path)
        assert response.headers["Content-Security-Policy"] == POLICY, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    assert console.get("/api/health").headers["Cache-Control"] == "no-store"


def test_a_host_header_is_echoed_into_the_policy_only_when_it_is_a_host(console: TestClient) -> None:
    evil = console.get("/", headers={"Host": "x; script-src *"})
    assert evil.headers["Content-Security-Policy"].endswith("connect-src 'self'")
    port = console.get("/", headers={"Host": "10.1.2.3:8040"})
    assert port.headers["Content-Security-Policy"].endswith(
        "connect-src 'self' ws://10.1.2.3:8040 wss://10.1.2.3:8040"
    )


def test_only_the_docs_allow_their_cdn_and_their_own_inline_script(console: TestClient) -> None:
    docs = console.get("/api/docs")
    assert docs.status_code == 200
    policy = docs.headers["Content-Security-Policy"]
    (inline,) = script_hashes(docs.text)
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None
    assert script_src.group(1).split() == ["'self'", "https://cdn.jsdelivr.net", inline]
    assert "'unsafe-inline'" not in script_src.group(1)
    assert "frame-ancestors 'none'" in policy
    redirect = console.get("/docs/oauth2-redirect")
    assert script_hashes(redirect.text)[0] in redirect.headers["Content-Security-Policy"]
    assert "cdn.jsdelivr.net" not in console.get("/").headers["Content-Security-Policy"]


def test_the_console_adds_nothing_to_the_openapi_document(console: TestClient) -> None:
    paths = console.get("/api/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") for path in paths)
