"""``kuzet analyze`` on OpenCV's pedestrian sample: tracked people, intrusion hits, a clean error."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from kuzet.cli.analyze import analyze, camera_rules
from kuzet.config.site import parse_site
from kuzet.errors import ConfigError

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
FAST = ("--detector", "opencv_hog", "--fps", "5", "--max-seconds", "8")

SITE = """
districts:
  - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
cameras:
  - {id: street-0001, name: Abay/Dostyk, kind: street, purpose: public_order, district: almaly,
     lat: 43.2501, lon: 76.9502}
zones:
  - {id: lower-half, camera: street-0001, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]}
rules:
  - {id: keep-out, type: intrusion, zone: lower-half}
"""

needs_vtest = pytest.mark.skipif(
    not VTEST.is_file() and os.environ.get("CI") != "true", reason=f"{VTEST} missing (apt opencv-doc)"
)


def run(*args: str) -> Any:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command()(analyze)
    return CliRunner().invoke(app, list(args))


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@needs_vtest
def test_tracks_people_in_the_sample_video() -> None:
    result = run(str(VTEST), *FAST)
    assert result.exit_code == 0, result.output
    tracks = json_lines(result.stdout)
    people = [
        t for t in tracks if t["class"] == "person" and t["last_s"] > t["first_s"] and len(t["path"]) >= 2
    ]
    assert len(people) >= 3, tracks
    for track in people:
        times = [point[0] for point in track["path"]]
        assert times == sorted(times)
        assert track["first_s"] == times[0]
        assert track["last_s"] == times[-1]
        assert all(0 <= x <= 768 and 0 <= y <= 576 for _, x, y in track["path"])


@needs_vtest
def test_reports_intrusions_into_the_lower_half(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE)
    result = run(str(VTEST), *FAST, "--site", str(site), "--camera", "street-0001")
    assert result.exit_code == 0, result.output
    hits = json_lines(result.stdout)
    assert hits, result.stderr
    for hit in hits:
        assert hit["camera"] == "street-0001"
        assert hit["code"] == "intrusion"
        assert 0 < hit["time_s"] <= 8.5
        assert 0 < hit["confidence"] <= 1
        assert hit["track_ids"]
        assert len(hit["bbox"]) == 4
        assert hit["bbox"][3] >= 576 / 2  # the feet are in the lower half


def test_a_site_rule_that_does_not_fit_is_refused_when_the_site_loads(tmp_path: Path) -> None:
    text = SITE.replace(
        "rules:", "  - {id: gate, camera: street-0001, kind: line, points: [[0.5, 0.1], [0.5, 0.9]]}\nrules:"
    )
    good = text + "  - {id: cross, type: line_crossing, zone: gate, direction: in}\n"
    rules = camera_rules(parse_site(good), "street-0001", (768, 576))
    assert [rule.config.id for rule in rules.rules] == ["keep-out", "cross"]

    site = tmp_path / "site.yaml"
    site.write_text(good + "  - {id: bad-zone, type: intrusion, zone: gate}\n", encoding="utf-8")
    result = run(str(VTEST), "--site", str(site), "--camera", "street-0001", "--detector", "opencv_hog")
    assert isinstance(result.exception, ConfigError), result.output
    message = str(result.exception)
    assert "rules[2]: rules.bad-zone.zone: 'gate' is a line; this rule needs a polygon" in message
    assert result.stdout == ""


def test_a_corrupt_video_is_one_clear_error(tmp_path: Path) -> None:
    clip = tmp_path / "broken.avi"
    clip.write_bytes(b"not a video at all" * 100)
    result = run(str(clip), "--detector", "opencv_hog")
    assert isinstance(result.exception, ConfigError), result.output
    assert str(clip) in str(result.exception)
    assert "cannot read the video" in str(result.exception)
    assert result.stdout == ""
    missing = run(str(tmp_path / "missing.mp4"), "--detector", "opencv_hog")
    assert isinstance(missing.exception, ConfigError)
    assert "not found" in str(missing.exception)


def test_an_unknown_camera_or_detector_is_a_config_error(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE)
    result = run(str(VTEST), "--site", str(site), "--camera", "street-9999")
    assert isinstance(result.exception, ConfigError)
    assert "street-9999" in str(result.exception)
    result = run(str(VTEST), "--detector", "yolo9000")
    assert isinstance(result.exception, ConfigError)
