"""The analytics runner of a camera worker, in this process: its clock, its evidence, its failures."""

from __future__ import annotations

import itertools
import pickle
import queue
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kuzet.adapters.models.loader import load_onnx
from kuzet.config.site import SiteConfig, parse_site
from kuzet.ingest.analytics import AnalyticsHit, AnalyticsRunner, AnalyticsSpec, AnalyticsStatus, specs_for
from kuzet.ingest.process import mp_context
from kuzet.ingest.source import SampledFrame
from kuzet.sim.scenes import VTEST_PATH, read_frames

SITE = """
analytics: {detector: %s}
districts: [{id: almaly, name: Almaly, lat: 43.25, lon: 76.93}]
cameras:
  - {id: hall-1, name: Hall, kind: street, purpose: public_order, district: almaly, lat: 43.25, lon: 76.93}
  - {id: hall-2, name: Hall 2, kind: street, purpose: public_order, district: almaly, lat: 43.25, lon: 76.93,
     analytics: false}
  - {id: hall-3, name: Hall 3, kind: street, purpose: public_order, district: almaly, lat: 43.25, lon: 76.93}
zones:
  - {id: floor, camera: hall-1, points: [[0, 0.3], [1, 0.3], [1, 1], [0, 1]]}
  - {id: floor-2, camera: hall-2, points: [[0, 0.3], [1, 0.3], [1, 1], [0, 1]]}
rules:
  - {type: intrusion, id: floor-entry, zone: floor}
  - {type: intrusion, id: floor-2-entry, zone: floor-2}
"""


def site(detector: str = "{type: opencv_hog}") -> SiteConfig:
    return parse_site(SITE % detector)


def drain(messages: Any) -> list[Any]:
    out = []
    while True:
        try:
            out.append(messages.get(timeout=0.5))
        except queue.Empty:
            return out


def frame(image: np.ndarray, t: float) -> SampledFrame:
    return SampledFrame(image=image, stream_time_s=t, wall_time=1_800_000_000.0, index=0)


def test_only_cameras_with_rules_and_analytics_on_get_a_spec_that_pickles() -> None:
    specs = specs_for(site(), ["hall-1", "hall-2", "hall-3"])
    assert list(specs) == ["hall-1"]  # hall-2: analytics off; hall-3: no rules
    spec = specs["hall-1"]
    assert [z.id for z in spec.site.zones] == ["floor"]
    assert spec.rule_ids == ("floor-entry",)
    assert pickle.loads(pickle.dumps(spec)) == spec  # noqa: S301 - our own bytes
    assert AnalyticsSpec.for_camera(site(), "hall-3") is None


def test_real_people_entering_give_hits_with_a_jpeg_and_a_steady_clock(tmp_path: Path) -> None:
    messages = mp_context().Queue()
    runner = AnalyticsRunner(
        specs_for(site(), ["hall-1"])["hall-1"], messages, load_onnx, tmp_path, stream_clock=True
    )
    images = read_frames(VTEST_PATH, list(range(0, 60, 2)))
    times = []
    for i, image in enumerate(images):
        runner.feed(frame(image, 0.2 * (i % 15)))  # the file starts over after 15 frames
        times.append(runner._last_time)
    assert all(b > a for a, b in itertools.pairwise(times)), "time never runs backwards"
    assert times[1] - times[0] == pytest.approx(0.2)
    got = drain(messages)
    statuses = [m for m in got if isinstance(m, AnalyticsStatus)]
    hits = [m for m in got if isinstance(m, AnalyticsHit)]
    assert statuses == [AnalyticsStatus("hall-1", True, "opencv_hog: floor-entry")]
    assert hits, "people walk into the lower part of vtest's hall"
    assert runner.hits == len(hits)
    for hit in hits:
        assert hit.hit.code == "intrusion"
        assert hit.snapshot.parent == tmp_path
        assert hit.snapshot.read_bytes()[:3] == b"\xff\xd8\xff"
        command = hit.to_command("det-1", "ref.jpg")
        assert (command.clip_end - command.clip_start).total_seconds() == 30.0
        assert command.frame_size == (768, 576)


def test_a_missing_model_turns_analytics_off_once_with_the_file_named(tmp_path: Path) -> None:
    messages = mp_context().Queue()
    spec = specs_for(site("{type: onnx_yolo, model: missing/yolo.onnx}"), ["hall-1"])["hall-1"]
    runner = AnalyticsRunner(spec, messages, load_onnx, tmp_path)
    image = np.zeros((360, 640, 3), np.uint8)
    for t in range(3):
        runner.feed(frame(image, t))
    got = drain(messages)
    assert len(got) == 1
    assert got[0].running is False
    assert "missing/yolo.onnx" in got[0].detail
    assert runner.off


def test_frames_the_pipeline_cannot_take_stop_analytics_after_a_few(tmp_path: Path) -> None:
    messages = mp_context().Queue()
    runner = AnalyticsRunner(specs_for(site(), ["hall-1"])["hall-1"], messages, load_onnx, tmp_path)
    runner.feed(frame(np.zeros((360, 640, 3), np.uint8), 0.0))
    broken = np.zeros((0, 0, 3), np.uint8)  # an empty picture (a decoder gone wrong)
    for t in range(1, 10):
        runner.feed(frame(broken, t))
    got = drain(messages)
    assert [m.running for m in got] == [True, False]
    assert "failed on 5 frames in a row" in got[1].detail
    assert runner.off
