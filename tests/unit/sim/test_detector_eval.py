"""Scoring a detector against known objects: the matching rules, the composed frames, and HOG on them."""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.sim.detector_eval import (
    BACKGROUND_VEHICLES,
    Placement,
    Tally,
    compose,
    detect_all,
    evaluate,
    match_frame,
    object_kind,
    people_frames,
    resized,
    vtest_people_frames,
)
from kuzet.sim.scenes import PERSON, SceneAssets, load_assets
from kuzet.vision.detections import Detections, box_iou, class_id_of
from kuzet.vision.detectors.opencv_hog import OpenCvHog, OpenCvHogConfig
from tests.unit.vision.analytics.conftest import require_vtest

CAR, TRUCK, DOG = class_id_of("car"), class_id_of("truck"), class_id_of("dog")


@pytest.fixture(scope="module")
def assets() -> SceneAssets:
    return load_assets(require_vtest())


def dets(boxes: list[list[float]], confidence: list[float], classes: list[int]) -> Detections:
    return Detections.from_arrays(np.reshape(boxes, (-1, 4)), confidence, classes)


def truths(boxes: list[list[float]], classes: list[int]) -> Detections:
    return Detections.from_arrays(np.reshape(boxes, (-1, 4)), class_id=classes)


def test_object_kind_groups_vehicle_classes() -> None:
    classes = np.array([PERSON, CAR, TRUCK, class_id_of("bus"), class_id_of("motorcycle"), DOG, 95])
    assert object_kind(classes).tolist() == [0, 1, 1, 1, 1, -1, -1]


def test_the_higher_score_takes_the_truth_and_the_other_box_is_a_duplicate() -> None:
    truth = truths([[0, 0, 40, 100]], [PERSON])
    found = dets([[2, 0, 42, 100], [0, 0, 40, 100]], [0.5, 0.9], [PERSON, PERSON])
    tally = match_frame(found, truth)["person"]
    assert (tally.truths, tally.found, tally.false, tally.duplicates) == (1, 1, 1, 1)
    assert tally.precision == 0.5


def test_greedy_matching_takes_the_best_overlap_first_leaving_the_rest() -> None:
    truth = truths([[0, 0, 40, 100], [20, 0, 60, 100]], [PERSON, PERSON])
    # IoU with the two truths: first box 0.54 / 0.67, second box 0.43 / 0.82.
    found = dets([[12, 0, 52, 100], [16, 0, 56, 100]], [0.9, 0.8], [PERSON, PERSON])
    iou = box_iou(found.xyxy, truth.xyxy)
    assert iou[0, 1] > iou[0, 0] >= 0.5
    assert iou[1, 0] < 0.5
    tally = match_frame(found, truth)["person"]
    assert (tally.found, tally.false, tally.duplicates) == (1, 1, 1)  # the second one had only truth 2
    swapped = dets(found.xyxy.tolist(), [0.8, 0.9], [PERSON, PERSON])
    assert match_frame(swapped, truth)["person"].found == 2  # scored the other way round, both pair up


def test_the_iou_threshold_is_inclusive() -> None:
    truth = truths([[0, 0, 100, 100]], [PERSON])
    assert match_frame(dets([[0, 0, 100, 50]], [0.9], [PERSON]), truth)["person"].found == 1  # IoU 0.5
    assert match_frame(dets([[0, 0, 100, 49]], [0.9], [PERSON]), truth)["person"].found == 0
    assert (
        match_frame(dets([[0, 0, 100, 49]], [0.9], [PERSON]), truth, iou_threshold=0.3)["person"].found == 1
    )


def test_matching_is_by_kind_a_truck_finds_a_car_but_not_a_person() -> None:
    truth = truths([[0, 0, 100, 60], [200, 0, 240, 100]], [CAR, PERSON])
    found = dets([[0, 0, 100, 60], [200, 0, 240, 100], [300, 0, 340, 40]], [0.6, 0.7, 0.9], [TRUCK, CAR, DOG])
    tallies = match_frame(found, truth)
    assert (tallies["vehicle"].found, tallies["vehicle"].false) == (1, 1)
    assert (tallies["person"].truths, tallies["person"].found, tallies["person"].false) == (1, 0, 0)
    assert tallies["person"].recall == 0.0
    assert tallies["vehicle"].duplicates == 0  # the car box overlaps no vehicle; the dog is not scored


def test_detections_on_ignored_objects_are_not_false() -> None:
    truth = truths([[0, 0, 40, 100]], [PERSON])
    ignore = np.array([[100, 0, 200, 80], [0, 0, 40, 100]], np.float32)
    found = dets(
        [[0, 0, 40, 100], [110, 10, 190, 70], [150, 0, 260, 80], [400, 0, 440, 100]],
        [0.9, 0.8, 0.7, 0.6],
        [PERSON, CAR, CAR, PERSON],
    )
    tallies = match_frame(found, truth, ignore)
    assert (tallies["person"].found, tallies["person"].false) == (1, 1)  # a truth inside an ignore box counts
    assert tallies["vehicle"].false == 1  # only the box mostly outside the parked vehicle


def test_empty_frames_and_tallies() -> None:
    empty = Detections.empty()
    tallies = match_frame(empty, empty)
    assert all(t == Tally() for t in tallies.values())
    assert (Tally().recall, Tally().precision) == (1.0, 1.0)
    missed = match_frame(empty, truths([[0, 0, 10, 30]], [PERSON]))["person"]
    assert (missed.recall, missed.precision) == (0.0, 1.0)
    false = match_frame(dets([[0, 0, 10, 30]], [0.9], [PERSON]), empty)["person"]
    assert (false.false, false.duplicates, false.precision) == (1, 0, 0.0)


def test_evaluate_sums_frames_and_drops_low_confidence(assets: SceneAssets) -> None:
    frames = people_frames(assets, 2, seed=3)
    exact = [f.truth.with_tracker_id(np.zeros(len(f.truth), np.int64)) for f in frames]
    weak = [
        Detections.from_arrays(f.truth.xyxy, np.full(len(f.truth), 0.4), f.truth.class_id) for f in frames
    ]
    assert evaluate(frames, exact)["person"] == Tally(
        sum(len(f.truth) for f in frames), sum(len(f.truth) for f in frames)
    )
    assert evaluate(frames, weak, min_confidence=0.5)["person"].found == 0


def test_resized_keeps_the_aspect_and_mirrors(assets: SceneAssets) -> None:
    sprite = assets.pedestrians[0]
    big = resized(sprite, 2 * sprite.size[1], mirror=True)
    assert big.size[1] == 2 * sprite.size[1]
    assert abs(big.size[0] - 2 * sprite.size[0]) <= 1
    assert big.mask.shape == big.image.shape[:2]
    assert big.class_id == PERSON
    assert abs(big.mask[:, : big.size[0] // 2].mean() - sprite.mask[:, sprite.size[0] // 2 :].mean()) < 0.05


def test_people_hidden_behind_others_are_ignored_not_truths(assets: SceneAssets) -> None:
    near, far = resized(assets.pedestrians[0], 150), resized(assets.pedestrians[1], 90)
    half = resized(assets.pedestrians[2], 150)
    layout = [
        Placement(far, 200, 400),
        Placement(near, 200, 450),
        Placement(half, 200 + 0.7 * near.size[0], 452),
    ]
    (frame,) = compose(assets.background, [layout], seed=0)
    assert frame.truth.tracker_id is not None
    assert sorted(frame.truth.tracker_id.tolist()) == [2, 3]  # the far one is behind the near one
    assert len(frame.ignore) == 1 + len(BACKGROUND_VEHICLES)
    assert frame.ignore[0].tolist() == pytest.approx(layout[0].box[0].tolist(), abs=1)


def test_people_frames_place_real_people_in_view_some_overlapping(assets: SceneAssets) -> None:
    frames = people_frames(assets, 12, seed=0)
    counts = [len(f.truth) + len(f.ignore) - len(BACKGROUND_VEHICLES) for f in frames]
    assert all(3 <= c <= 6 for c in counts)
    overlapping = 0
    for f in frames:
        boxes = f.truth.xyxy
        assert (f.truth.class_id == PERSON).all()
        assert (boxes[:, :2] >= 0).all()
        assert (boxes[:, 2:] <= [768, 576]).all()
        heights = f.truth.height
        assert ((heights > 40) & (heights < 200)).all()
        iou = box_iou(boxes, boxes) - np.eye(len(boxes))
        overlapping += int((iou > 0).any(axis=1).sum())
        changed = np.abs(f.image.astype(int) - assets.background).max(axis=2) > 20
        for x1, y1, x2, y2 in boxes.astype(int):
            assert changed[y1:y2, x1:x2].mean() > 0.2  # a pasted person, not an empty box
    assert overlapping >= 6


def test_vtest_truth_is_isolated_people(assets: SceneAssets) -> None:
    frames = vtest_people_frames(require_vtest(), assets.background, [185, 235])
    assert sum(len(f.truth) for f in frames) >= 8
    for f in frames:
        ratio = f.truth.height / f.truth.width
        assert ((ratio >= 1.6) & (ratio <= 4.5)).all()


def test_hog_finds_people_on_composed_frames(assets: SceneAssets) -> None:
    """OpenCV's HOG on 6 frames, 28 people. Measured: recall 0.25 at IoU ≥ 0.5 but 0.61 at IoU ≥ 0.3,
    with precision 0.94 there: its 64×128 windows are wider and taller than the person, so most misses
    at 0.5 are loose boxes, the rest people under ~100 px (``upscale=1``)."""
    frames = people_frames(assets, 6, seed=0)
    found = detect_all(OpenCvHog(OpenCvHogConfig()), frames)
    strict, loose = evaluate(frames, found)["person"], evaluate(frames, found, iou_threshold=0.3)["person"]
    assert strict.truths == loose.truths >= 20
    assert strict.recall >= 0.15
    assert loose.recall >= 0.45
    assert loose.precision >= 0.75
