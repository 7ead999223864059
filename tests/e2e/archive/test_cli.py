"""``kuzet archive`` and ``kuzet evidence`` as a user runs them: real processes, exit codes, messages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.unit.archive.media import duration_seconds, flip_byte

SITE = """
districts:
  - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
cameras:
  - {id: bc-0001, name: Body cam 1, kind: body_cam, purpose: patrol_evidence, district: almaly}
"""


class Cli:
    def __init__(self, folder: Path) -> None:
        self.archive = folder / "archive"
        self.env = {
            **os.environ,
            "KUZET_DATABASE_URL": f"sqlite:///{folder / 'kuzet.db'}",
            "KUZET_ARCHIVE_PATH": str(self.archive),
            "COLUMNS": "250",
        }

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kuzet", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    run = Cli(tmp_path)
    (tmp_path / "site.yaml").write_text(SITE)
    for args in (("db", "upgrade"), ("camera", "import", str(tmp_path / "site.yaml"))):
        done = run(*args)
        assert done.returncode == 0, done.stderr
    return run


def upload(cli: Cli, file: Path) -> subprocess.CompletedProcess[str]:
    return cli(
        "archive",
        "upload",
        str(file),
        "--camera",
        "bc-0001",
        "--officer",
        "Sgt. Nurlan",
        "--unit",
        "PPS-3",
        "--recorded-at",
        "2020-01-03T10:00:00+05:00",
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in result.stderr, result.stderr


def test_upload_verify_and_a_flipped_byte(cli: Cli, camera_video: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bodycam_0042.mp4"
    bad.write_text("not a video at all")
    assert_clean_failure(upload(cli, bad), "bodycam_0042.mp4: not a readable video file")

    done = upload(cli, camera_video)
    assert done.returncode == 0, done.stderr
    assert "3 segments" in done.stdout
    verified = cli("archive", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "archive intact: 3 segments" in verified.stdout

    segment = sorted(cli.archive.glob("bc-0001/*/*.ts"))[1]
    flip_byte(segment)
    damaged = cli("archive", "verify", "--camera", "bc-0001")
    assert_clean_failure(
        damaged, "1 of 3 segments", f"{segment.relative_to(cli.archive).as_posix()}: changed"
    )


def test_hold_export_and_evidence_verify(cli: Cli, camera_video: Path, tmp_path: Path) -> None:
    assert upload(cli, camera_video).returncode == 0
    window = ("--start", "2020-01-03T05:00:02Z", "--end", "2020-01-03T05:00:12Z")
    placed = cli(
        "archive", "hold", "place", "--camera", "bc-0001", *window, "--case", "K-17", "--reason", "assault"
    )
    assert placed.returncode == 0, placed.stderr
    listed = cli("archive", "hold", "list")
    assert "K-17" in listed.stdout
    swept = cli("archive", "sweep")
    assert swept.returncode == 0, swept.stderr
    assert "1 segments (0.1 MB) deleted, 2 kept by legal holds" in swept.stdout  # 2020 is long past 90 days

    clip = tmp_path / "clip.mp4"
    cut = cli(
        "archive", "clip", "bc-0001", *window, "--out", str(clip), "--reason", "review", "--case", "K-17"
    )
    assert cut.returncode == 0, cut.stderr
    assert 10 <= duration_seconds(clip) <= 11

    refused = cli("evidence", "export", "--camera", "bc-0001", *window, "--case", "K-17", "--reason", " ")
    assert_clean_failure(refused, "needs a reason")
    out = tmp_path / "bundle.zip"
    exported = cli(
        "evidence",
        "export",
        "--camera",
        "bc-0001",
        *window,
        "--case",
        "K-17",
        "--reason",
        "court request",
        "--out",
        str(out),
    )
    assert exported.returncode == 0, exported.stderr
    intact = cli("evidence", "verify", str(out))
    assert intact.returncode == 0, intact.stderr
    assert "bundle intact" in intact.stdout

    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(out) as z:
        z.extractall(folder)
    flip_byte(folder / "clip.mp4")
    assert_clean_failure(cli("evidence", "verify", str(folder)), "bundle ALTERED", "clip.mp4: altered")
    audit = cli("audit", "tail", "--limit", "30")
    for action in ("upload_footage", "place_legal_hold", "export_evidence"):
        assert action in audit.stdout
    assert cli("audit", "verify").returncode == 0
