"""The pipeline's wiring: when the detector is called, and where it is told to look."""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.vision.detections import COCO_CLASSES, Detections
from kuzet.vision.detectors.base import Detector, Image, Regions
from kuzet.vision.pipeline import AnalyticsPipeline, PipelineSettings
from kuzet.vision.tracking import TrackerSettings

SIZE = (320, 240)
Call = np.ndarray | None


class CountingDetector(Detector):
    """Finds the same objects in every frame and records where it was asked to look."""

    name = "counting"
    classes = COCO_CLASSES

    def __init__(self, *boxes: tuple[float, float, float, float]) -> None:
        self.found = Detections.from_arrays(np.reshape(boxes, (-1, 4)), [0.9] * len(boxes))
        self.calls: list[Call] = []

    def detect(self, image_bgr: Image, regions: Regions | None = None) -> Detections:
        self.calls.append(None if regions is None else np.asarray(regions, np.float32))
        return self.found


def still_frames(count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    background = rng.integers(60, 200, (SIZE[1], SIZE[0], 3), dtype=np.uint8)
    return [background.copy() for _ in range(count)]


def run(pipeline: AnalyticsPipeline, frames: list[np.ndarray]) -> list[int]:
    """Indices of the frames on which the detector was called."""
    detector = pipeline.detector
    assert isinstance(detector, CountingDetector)
    called = []
    for index, image in enumerate(frames):
        before = len(detector.calls)
        pipeline.process(image, index / 5)
        if len(detector.calls) > before:
            called.append(index)
    return called


def test_no_detector_call_without_motion_or_a_track_to_recheck() -> None:
    detector = CountingDetector()
    pipeline = AnalyticsPipeline(detector, None, SIZE)
    assert run(pipeline, still_frames(20)) == [0]
    assert detector.calls == [
        None
    ]  # the first frame, while the gate learns the background, is searched whole


def test_motion_sends_its_region_to_the_detector() -> None:
    detector = CountingDetector()
    frames = still_frames(6)
    frames[4][100:160, 200:230] = 255  # something appears and goes
    pipeline = AnalyticsPipeline(detector, None, SIZE)
    assert run(pipeline, frames) == [0, 4]
    region = detector.calls[1]
    assert region is not None
    np.testing.assert_array_less(region[0, :2], [200.5, 100.5])  # covers the blob (200, 100)-(230, 160)
    np.testing.assert_array_less([229.5, 159.5], region[0, 2:])


def test_a_stationary_track_is_rechecked_on_its_schedule_only() -> None:
    detector = CountingDetector((100, 60, 140, 160))  # a person standing still
    settings = PipelineSettings(recheck_every=10, tracker=TrackerSettings(min_hits=1))
    pipeline = AnalyticsPipeline(detector, None, SIZE, settings)
    called = run(pipeline, still_frames(60))
    assert pipeline.tracker.state.stationary.tolist() == [True]
    # Moving (not yet judged still) it is looked at every frame; once still (after 2 s, 10 frames at
    # 5 fps), only when (track id 1 + frame index) % 10 == 0.
    assert called[:10] == list(range(10))
    assert [i for i in called if i >= 20] == [29, 39, 49, 59]
    assert pipeline.tracker.state.tracker_id.tolist() == [1]


def test_without_the_gate_every_frame_is_searched_whole() -> None:
    detector = CountingDetector()
    pipeline = AnalyticsPipeline(detector, None, SIZE, PipelineSettings(gated=False))
    assert run(pipeline, still_frames(5)) == [0, 1, 2, 3, 4]
    assert all(call is None for call in detector.calls)


@pytest.mark.parametrize("gated", [True, False])
def test_output_carries_track_ids(gated: bool) -> None:
    detector = CountingDetector((100, 60, 140, 160))
    settings = PipelineSettings(gated=gated, tracker=TrackerSettings(min_hits=1))
    output = AnalyticsPipeline(detector, None, SIZE, settings).process(still_frames(1)[0], 0.0)
    assert output.tracked.tracker_id is not None
    assert output.tracked.tracker_id.tolist() == [1]
    assert output.hits == []
