"""The columnar per-frame type: validation, selection, merging, geometry, class names."""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.vision.detections import (
    COCO_CLASSES,
    Detections,
    box_iou,
    class_id_of,
    class_ids_of,
    class_name_of,
)


def sample() -> Detections:
    return Detections.from_arrays(
        [[0, 0, 10, 20], [10, 10, 30, 20], [5, 5, 6, 6]],
        confidence=[0.9, 0.4, 0.7],
        class_id=[0, 2, 24],
        tracker_id=[7, 8, 9],
        data={"energy": [0.1, 0.2, 0.3]},
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"xyxy": np.zeros((2, 4), np.float64)}, TypeError, "xyxy must be float32"),
        ({"xyxy": np.zeros((2, 3), np.float32)}, ValueError, r"shape \(N, 4\)"),
        ({"confidence": np.zeros(3, np.float32)}, ValueError, r"confidence must have shape \(2,\)"),
        ({"class_id": np.zeros(2, np.int64)}, TypeError, "class_id must be int32"),
        ({"tracker_id": np.zeros(2, np.int32)}, TypeError, "tracker_id must be int64"),
        ({"data": {"x": np.zeros(5)}}, ValueError, r"data\['x'\] must have length 2"),
        ({"xyxy": np.array([[0, 0, 1, 1], [5, 0, 1, 1]], np.float32)}, ValueError, "x2 >= x1"),
        ({"xyxy": np.array([[0, 0, 1, np.nan], [0, 0, 1, 1]], np.float32)}, ValueError, "finite"),
    ],
)
def test_validation_names_the_bad_column(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    columns: dict[str, object] = {
        "xyxy": np.zeros((2, 4), np.float32),
        "confidence": np.ones(2, np.float32),
        "class_id": np.zeros(2, np.int32),
    }
    with pytest.raises(error, match=message):
        Detections(**{**columns, **kwargs})  # type: ignore[arg-type]


def test_empty_has_zero_rows_of_the_right_types() -> None:
    empty = Detections.empty()
    assert len(empty) == 0
    assert empty.xyxy.shape == (0, 4)
    assert empty.class_id.dtype == np.int32
    assert empty.anchor().shape == (0, 2)


def test_mask_slice_and_int_selection_keep_every_column_aligned() -> None:
    dets = sample()
    picked = dets[dets.confidence > 0.5]
    assert picked.tracker_id is not None
    assert picked.tracker_id.tolist() == [7, 9]
    assert picked.data["energy"].tolist() == pytest.approx([0.1, 0.3])
    assert dets[1:].class_id.tolist() == [2, 24]
    single = dets[1]
    assert single.xyxy.shape == (1, 4)
    assert single.class_id.tolist() == [2]


def test_merge_concatenates_and_keeps_shared_columns_only() -> None:
    other = Detections.from_arrays([[1, 1, 2, 2]], confidence=[0.5], class_id=[0])
    merged = Detections.merge([sample(), other, Detections.empty()])
    assert len(merged) == 4
    assert merged.tracker_id is None  # one part had no ids
    assert merged.data == {}
    assert len(Detections.merge([])) == 0


def test_geometry_area_and_anchors() -> None:
    dets = sample()
    assert dets.area.tolist() == [200, 200, 1]
    assert dets.anchor("bottom_center")[0].tolist() == [5, 20]
    assert dets.anchor("center")[1].tolist() == [20, 15]
    with pytest.raises(ValueError, match="unknown anchor"):
        dets.anchor("top")  # type: ignore[arg-type]


def test_iou_matrix() -> None:
    a = np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32)
    b = np.array([[5, 0, 15, 10]], np.float32)
    assert box_iou(a, b)[:, 0].tolist() == pytest.approx([1 / 3, 0.0])


def test_class_names() -> None:
    assert len(COCO_CLASSES) == 80
    assert class_id_of("person") == 0
    assert class_name_of(2) == "car"
    assert class_ids_of(["backpack", "suitcase"]).tolist() == [24, 28]
    assert class_name_of(91) == "class_91"
    with pytest.raises(ValueError, match="unknown object class 'dragon'"):
        class_id_of("dragon")
    assert sample().of_classes(class_ids_of(["car", "backpack"])).tolist() == [False, True, True]
