"""The motion gate on real footage, and how motion becomes detector regions."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kuzet.sim.scenes import SceneAssets, read_frames
from kuzet.vision.motion import (
    MotionGate,
    RecheckSchedule,
    covered_fraction,
    merge_boxes,
    regions_for_detection,
)


def inside_boxes(mask: np.ndarray, boxes: np.ndarray) -> float:
    """Fraction of the mask's pixels that lie inside any box."""
    covered = np.zeros_like(mask, dtype=bool)
    for x1, y1, x2, y2 in boxes.astype(int):
        covered[y1:y2, x1:x2] = True
    return float((mask & covered).sum() / max(mask.sum(), 1))


def test_walking_people_are_inside_the_motion_boxes(vtest: Path, scene_assets: SceneAssets) -> None:
    frames = read_frames(vtest, list(range(100, 141)))
    gate = MotionGate()
    for frame in frames[:-1]:
        gate.detect(frame)
    result = gate.detect(frames[-1])
    # The people in the last frame: pixels far from the median background, in person-sized blobs.
    foreground = cv2.absdiff(frames[-1], scene_assets.background).max(axis=2) > 50
    foreground = cv2.morphologyEx(foreground.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    assert result.has_motion
    assert not result.recalibrated
    assert inside_boxes(foreground, result.boxes) > 0.8
    assert covered_fraction(result.boxes, (768, 576)) < 0.5  # the rest of the frame is skipped


def test_a_still_scene_has_no_motion(scene_assets: SceneAssets) -> None:
    gate = MotionGate()
    rng = np.random.default_rng(0)
    results = []
    for _ in range(20):
        noise = rng.normal(0, 3, scene_assets.background.shape)
        results.append(gate.detect(np.clip(scene_assets.background + noise, 0, 255).astype(np.uint8)))
    assert not any(r.has_motion for r in results)
    assert max(r.changed_fraction for r in results) < 0.01


def test_a_sudden_brightness_change_recalibrates_instead_of_moving(scene_assets: SceneAssets) -> None:
    gate = MotionGate()
    for _ in range(5):
        gate.detect(scene_assets.background)
    dark = (scene_assets.background * 0.35).astype(np.uint8)  # the IR cut filter switches at dusk
    switched = gate.detect(dark)
    assert switched.recalibrated
    assert not switched.has_motion
    assert switched.changed_fraction > 0.5
    after = gate.detect(dark)
    assert not after.recalibrated
    assert not after.has_motion


def test_grey_frames_and_a_new_size_work() -> None:
    gate = MotionGate()
    still = np.full((480, 640), 100, np.uint8)
    gate.detect(still)
    moved = still.copy()
    moved[200:300, 300:340] = 200
    result = gate.detect(moved)
    assert len(result.boxes) == 1
    x1, y1, x2, y2 = result.boxes[0]
    assert x1 <= 300
    assert y1 <= 200
    assert x2 >= 340
    assert y2 >= 300
    assert x2 - x1 < 120
    assert y2 - y1 < 160
    assert not gate.detect(np.zeros((720, 1280), np.uint8)).has_motion  # new size: relearns


def test_merge_boxes_joins_touching_and_near_boxes_transitively() -> None:
    boxes = np.array([[0, 0, 10, 10], [12, 0, 20, 10], [22, 0, 30, 10], [100, 100, 110, 110]], np.float32)
    assert merge_boxes(boxes, gap=3).tolist() == [[0, 0, 30, 10], [100, 100, 110, 110]]
    assert len(merge_boxes(boxes, gap=0)) == 4
    assert merge_boxes(np.empty((0, 4), np.float32)).shape == (0, 4)


def test_regions_grow_to_the_detector_input_and_stay_in_the_frame() -> None:
    motion = np.array([[0, 0, 20, 20]], np.float32)
    tracked = np.array([[600, 400, 640, 480], [300, 300, 340, 380]], np.float32)
    regions = regions_for_detection(
        motion, tracked, (640, 480), (160, 160), include_tracked=np.array([True, False])
    )
    assert regions.tolist() == [[0, 0, 160, 160], [480, 320, 640, 480]]
    assert regions_for_detection(np.empty((0, 4)), np.empty((0, 4)), (640, 480)).shape == (0, 4)


def test_stationary_tracks_are_rechecked_in_turn() -> None:
    schedule = RecheckSchedule(every=5)
    ids = np.arange(1, 11, dtype=np.int64)
    stationary = ids > 2
    counts = np.sum([schedule.include(ids, stationary, f) for f in range(10)], axis=0)
    assert counts[:2].tolist() == [10, 10]  # moving: every frame
    assert counts[2:].tolist() == [2] * 8  # still: every 5th frame, staggered
    with pytest.raises(ValueError, match="every must be >= 1"):
        RecheckSchedule(every=0)


def test_covered_fraction_counts_overlaps_once() -> None:
    regions = np.array([[0, 0, 50, 100], [25, 0, 75, 100]], np.float32)
    assert covered_fraction(regions, (100, 100)) == pytest.approx(0.75, abs=0.02)
