"""The archive in a real browser: footage uploaded through the API plays back on the archive screen.

The operator (who may upload body-cam footage and play the archive back; the demo prints only the
operator's password) uploads a short H.264 clip with ``POST /api/uploads`` for one of the city's
cameras, then opens ``/archive?camera=…&at=…`` in Chromium, sees the recording on the timeline, starts
it with the space key and watches hls.js play it: the video's ``currentTime`` advances by at least a
second and the wall-clock time under the player is the upload's. Nothing leaves 127.0.0.1, nothing is
printed as an error.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page

from tests.unit.archive.media import encode_h264

from .conftest import LiveServer, PageRecord, sign_in

CLIP_SECONDS = 6


def _upload(server: LiveServer, folder: Path, recorded_at: datetime) -> str:
    """Archive a clip for a camera of the city; the camera's id."""
    token = server.token("operator", server.operator_password)
    cameras = server.api("/api/cameras", token).json()
    camera = next((c for c in cameras if c["kind"] == "body_cam"), cameras[0])
    video = encode_h264(folder / "bodycam.mp4", seconds=CLIP_SECONDS)
    answer = httpx.post(
        f"{server.url}/api/uploads",
        headers={"Authorization": f"Bearer {token}"},
        data={
            "camera_id": camera["id"],
            "officer": "Sgt. Test",
            "unit": "P-1",
            "recorded_at": recorded_at.isoformat(),
        },
        files={"file": ("bodycam.mp4", video.read_bytes(), "video/mp4")},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["segments"] >= 1
    camera_id: str = camera["id"]
    return camera_id


def test_uploaded_footage_plays_back_on_the_archive_screen(
    live_server: LiveServer, console: tuple[Page, PageRecord], tmp_path: Path
) -> None:
    page, record = console
    recorded_at = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    camera_id = _upload(live_server, tmp_path, recorded_at)

    sign_in(page, live_server)
    page.get_by_role("link", name="Archive").click()
    page.get_by_text("Pick a camera and a time.").wait_for()
    at = quote(recorded_at.isoformat())
    page.goto(f"{live_server.url}/archive?camera={quote(camera_id)}&at={at}")

    page.get_by_test_id("archive-recorded").first.wait_for(timeout=15_000)
    video = page.get_by_test_id("archive-video")
    video.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=archive-video]').readyState >= 2", timeout=20_000
    )
    start = float(video.evaluate("v => v.currentTime"))
    page.locator("body").press("Space")
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=archive-video]').currentTime >= {start + 1.0}",
        timeout=20_000,
    )
    assert video.evaluate("v => v.paused") is False

    # The wall-clock time under the player is within the upload's recording.
    shown = page.get_by_test_id("archive-wall-time").inner_text()
    assert shown.startswith("Frame: "), shown
    first = recorded_at.timestamp()
    assert page.evaluate(
        f"""() => {{
          const t = document.querySelector('[data-testid=archive-wall-time]').dataset.wall;
          return Number(t) >= {first * 1000} && Number(t) <= {(first + CLIP_SECONDS + 1) * 1000};
        }}"""
    ), shown

    assert not record.left_localhost(), f"requests left 127.0.0.1: {record.left_localhost()}"
    assert not record.errors, f"the page printed errors: {record.errors}"
    assert any("/api/archive/segments/" in url for url in record.requests), "no segment was fetched"
