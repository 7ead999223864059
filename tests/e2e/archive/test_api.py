"""The archive over HTTP: HLS playback, segments, clips, uploads, holds and evidence, by permission."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from kuzet.adapters.archive.bundle import verify_bundle
from kuzet.bootstrap import Kuzet
from kuzet.domain.users.model import Role
from tests.e2e.api.conftest import AUTH
from tests.integration.archive.conftest import record
from tests.unit.archive.media import decoded_frames, duration_seconds

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
RANGE = {"start": "2026-01-03T10:00:03+00:00", "end": "2026-01-03T10:00:17+00:00"}
Login = Callable[[Role], AUTH]


def test_an_operator_plays_back_over_hls_and_every_access_is_audited(
    api: TestClient, login: Login, archive_kuzet: Kuzet, camera_video: Path
) -> None:
    segments = record(archive_kuzet, "street-1", camera_video, T0)
    headers = login(Role.OPERATOR) | {"X-Kuzet-Reason": "incident review", "X-Kuzet-Case": "K-17"}
    playlist = api.get("/api/archive/cameras/street-1/playlist.m3u8", params=RANGE, headers=headers)
    assert playlist.status_code == 200, playlist.text
    assert playlist.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    uris = [line for line in playlist.text.splitlines() if line.startswith("/")]
    assert uris == [f"/api/archive/segments/{s.id}/media.ts" for s in segments[:2]]

    media = api.get(uris[1], headers=headers)
    assert media.status_code == 200
    assert media.headers["content-type"] == "video/mp2t"
    assert media.content == archive_kuzet.archive.storage.locate(segments[1].path).read_bytes()

    actions = [(r.entry.action, r.entry.reason, r.entry.case_number) for r in archive_kuzet.audit.recent(2)]
    assert actions == [
        ("view_archive_segment", "incident review", "K-17"),
        ("play_back_archive", "incident review", "K-17"),
    ]


def test_a_clip_downloads_as_a_playable_mp4(
    api: TestClient, login: Login, archive_kuzet: Kuzet, camera_video: Path, tmp_path: Path
) -> None:
    record(archive_kuzet, "street-1", camera_video, T0)
    clip = api.get("/api/archive/cameras/street-1/clip.mp4", params=RANGE, headers=login(Role.OPERATOR))
    assert clip.status_code == 200, clip.text
    (tmp_path / "clip.mp4").write_bytes(clip.content)
    assert 14.0 <= duration_seconds(tmp_path / "clip.mp4") <= 15.0
    assert decoded_frames(tmp_path / "clip.mp4") > 0
    assert not list((archive_kuzet.archive.storage.root / "_scratch").iterdir())  # removed once sent


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.TENANT_VIEWER, Role.ANALYST])
def test_playback_is_refused_without_archive_read(
    api: TestClient, login: Login, archive_kuzet: Kuzet, camera_video: Path, role: Role
) -> None:
    segments = record(archive_kuzet, "street-1", camera_video, T0)
    for path in (
        "/api/archive/cameras/street-1/playlist.m3u8",
        f"/api/archive/segments/{segments[0].id}/media.ts",
    ):
        response = api.get(path, params=RANGE, headers=login(role))
        assert response.status_code == 403
        assert "archive:read" in response.json()["detail"]
    assert archive_kuzet.audit.recent(1)[0].entry.outcome.value == "denied"


def test_no_video_and_bad_ranges_are_plain_answers(api: TestClient, login: Login) -> None:
    headers = login(Role.OPERATOR)
    empty = api.get("/api/archive/cameras/street-1/playlist.m3u8", params=RANGE, headers=headers)
    assert empty.status_code == 404
    assert "no video of camera 'street-1'" in empty.json()["detail"]
    backwards = {"start": RANGE["end"], "end": RANGE["start"]}
    assert (
        api.get("/api/archive/cameras/street-1/segments", params=backwards, headers=headers).status_code
        == 422
    )
    naive = {"start": "2026-01-03T10:00:00", "end": "2026-01-03T10:00:10"}
    assert api.get("/api/archive/cameras/street-1/segments", params=naive, headers=headers).status_code == 422


def upload(api: TestClient, headers: AUTH, name: str, data: bytes) -> httpx2.Response:
    form = {"camera_id": "bc-1", "officer": "Sgt. Nurlan", "unit": "PPS-3", "recorded_at": T0.isoformat()}
    return api.post(
        "/api/uploads", data=form, files={"file": (name, io.BytesIO(data), "video/mp4")}, headers=headers
    )


def test_body_cam_footage_is_uploaded_and_a_corrupt_file_is_refused_by_name(
    api: TestClient, login: Login, archive_kuzet: Kuzet, camera_video: Path
) -> None:
    headers = login(Role.OPERATOR)
    bad = upload(api, headers, "bodycam_0042.mp4", b"this is not video")
    assert bad.status_code == 400
    assert "bodycam_0042.mp4: not a readable video file" in bad.json()["detail"]
    with archive_kuzet.uow() as uow:
        assert uow.segments.totals().segments == 0

    good = upload(api, headers, "bodycam_0043.mp4", camera_video.read_bytes())
    assert good.status_code == 201, good.text
    body = good.json()
    assert (body["segments"], body["officer"], body["uploaded_by"]) == (3, "Sgt. Nurlan", "operator")
    assert upload(api, login(Role.AUDITOR), "x.mp4", b"").status_code == 403


def test_supervisors_hold_and_export_evidence_operators_may_not(
    api: TestClient, login: Login, archive_kuzet: Kuzet, camera_video: Path, tmp_path: Path
) -> None:
    record(archive_kuzet, "street-1", camera_video, T0)
    supervisor, operator = login(Role.SUPERVISOR), login(Role.OPERATOR)
    hold_body = {"camera_id": "street-1", **RANGE, "case_number": "K-17", "reason": "robbery"}
    assert api.post("/api/legal-holds", json=hold_body, headers=operator).status_code == 403
    placed = api.post("/api/legal-holds", json=hold_body, headers=supervisor)
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["id"]
    assert [h["id"] for h in api.get("/api/legal-holds", headers=login(Role.AUDITOR)).json()] == [hold_id]
    released = api.post(
        f"/api/legal-holds/{hold_id}/release", json={"reason": "case closed"}, headers=supervisor
    )
    assert released.status_code == 200
    assert released.json()["active"] is False
    audit = archive_kuzet.audit.recent(1)[0].entry
    assert (audit.action, audit.case_number, audit.reason) == ("release_legal_hold", "K-17", "case closed")

    export_body = {"camera_id": "street-1", **RANGE, "case_number": "K-17", "reason": ""}
    assert api.post("/api/evidence", json=export_body, headers=operator).status_code == 403
    no_reason = api.post("/api/evidence", json=export_body, headers=supervisor)
    assert no_reason.status_code == 400
    assert "needs a reason" in no_reason.json()["detail"]
    made = api.post("/api/evidence", json=export_body | {"reason": "court request"}, headers=supervisor)
    assert made.status_code == 201, made.text
    bundle = api.get(made.json()["download"], headers=supervisor)
    assert bundle.status_code == 200
    (tmp_path / "bundle.zip").write_bytes(bundle.content)
    assert verify_bundle(tmp_path / "bundle.zip").intact
    assert zipfile.ZipFile(tmp_path / "bundle.zip").namelist()[0] == "clip.mp4"
    actions = [r.entry.action for r in archive_kuzet.audit.recent(3)]
    assert actions[:2] == ["download_evidence", "export_evidence"]
