"""Decoding and NMS on constructed tensors, where every expected number is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.vision.detectors.postprocess import (
    MAX_CANDIDATES,
    Candidates,
    decode_gfl,
    decode_yolo,
    nms,
    pairwise_iou,
    softmax,
)


def candidates(boxes: list[list[float]], scores: list[float], classes: list[int] | None = None) -> Candidates:
    return Candidates.from_arrays(boxes, scores, classes or [0] * len(scores))


def test_iou_of_known_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [5, 0, 15, 10], [20, 20, 20, 30]], np.float32)
    iou = pairwise_iou(boxes)
    np.testing.assert_allclose(iou[0, 1], 90 / 110, rtol=1e-6)
    np.testing.assert_allclose(iou[0, 2], 50 / 150, rtol=1e-6)
    assert iou[0, 3] == 0
    assert iou[3, 3] == 0  # a zero-area box overlaps nothing, not even itself


def test_nms_is_greedy_suppressed_boxes_do_not_suppress() -> None:
    # A ~ B and B ~ C overlap 80/120 = 0.67, A ~ C 60/140 = 0.43: greedy keeps A, drops B, keeps C.
    found = candidates([[0, 0, 10, 10], [2, 0, 12, 10], [4, 0, 14, 10]], [0.9, 0.8, 0.7])
    assert nms(found, iou_threshold=0.5).tolist() == [0, 2]
    assert nms(found, iou_threshold=0.3).tolist() == [0]
    assert nms(found, iou_threshold=0.9).tolist() == [0, 1, 2]


def test_nms_keeps_classes_apart_and_orders_by_confidence() -> None:
    found = candidates(
        [[0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 60, 60]], [0.6, 0.9, 0.5, 0.7], [0, 1, 0, 0]
    )
    assert nms(found, 0.5).tolist() == [1, 3, 0]
    assert nms(found, 0.5, class_aware=False).tolist() == [1, 3]


def test_nms_of_nothing_and_the_candidate_cap() -> None:
    assert nms(candidates([], []), 0.5).tolist() == []
    n = MAX_CANDIDATES + 50
    spread = np.arange(n, dtype=np.float32)[:, None] * 20 + np.array([0, 0, 10, 10], np.float32)
    kept = nms(Candidates.from_arrays(spread, np.linspace(1, 0.5, n), np.zeros(n)), 0.5)
    assert len(kept) == MAX_CANDIDATES
    assert kept.max() == MAX_CANDIDATES - 1


def test_decode_yolo_centre_size_to_corners_best_class_only() -> None:
    table = np.array(
        [
            # cx, cy, w, h, scores for 3 classes
            [100, 50, 20, 10, 0.1, 0.8, 0.3],
            [10, 10, 4, 6, 0.35, 0.2, 0.1],
            [0, 0, 5, 5, 0.2, 0.1, 0.34],
        ],
        np.float32,
    ).T
    found = decode_yolo(table, threshold=0.35)
    np.testing.assert_array_equal(found.xyxy, [[90, 45, 110, 55], [8, 7, 12, 13]])
    np.testing.assert_array_equal(found.class_id, [1, 0])
    np.testing.assert_allclose(found.confidence, [0.8, 0.35])


def test_decode_gfl_softmax_expectation_from_the_anchor_centre() -> None:
    grid, stride, bins = 4, 8.0, 11
    scores = np.zeros((grid * grid, 3), np.float32)
    scores[6, 2] = 0.7  # anchor (x 2, y 1): centre (20, 12)
    logits = np.full((grid * grid, 4, bins), -50.0, np.float32)
    logits[6, np.arange(4), [1, 2, 3, 0]] = 50.0  # one-hot: 1, 2, 3, 0 strides
    found = decode_gfl(scores, logits.reshape(grid * grid, -1), stride, grid, threshold=0.5)
    np.testing.assert_allclose(found.xyxy, [[20 - 8, 12 - 16, 20 + 24, 12 + 0]])
    np.testing.assert_array_equal(found.class_id, [2])
    # Two equal bins: the expectation is their midpoint.
    logits[6] = -50.0
    logits[6, :, 4] = logits[6, :, 6] = 0.0
    found = decode_gfl(scores, logits.reshape(grid * grid, -1), stride, grid, threshold=0.5)
    np.testing.assert_allclose(found.xyxy, [[20 - 40, 12 - 40, 20 + 40, 12 + 40]], atol=1e-4)


def test_softmax_rows_sum_to_one_without_overflow() -> None:
    probabilities = softmax(np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]], np.float32))
    np.testing.assert_allclose(probabilities, [[0.5, 0.5], [0.25, 0.75]], rtol=1e-6)


@pytest.mark.parametrize("keep", [np.array([True, False, True]), np.array([2, 0])])
def test_candidates_select_and_concat(keep: np.ndarray) -> None:
    found = candidates([[0, 0, 1, 1], [1, 1, 2, 2], [2, 2, 3, 3]], [0.1, 0.2, 0.3], [0, 1, 2])
    both = Candidates.concat([found.select(keep), found])
    assert len(both) == 5
    assert Candidates.concat([]).xyxy.shape == (0, 4)
