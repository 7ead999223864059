"""The Ultralytics YOLO slot, on generated ONNX models with known outputs: decoding, letterbox mapping,
regions in one mosaic or batched into one run, labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kuzet.adapters.models.loader import ModelFileError, load_onnx
from kuzet.vision.detectors.base import DetectorError
from kuzet.vision.detectors.onnx_yolo import SIGNATURE, OnnxYolo, OnnxYoloConfig
from kuzet.vision.detectors.registry import build_detector
from tests.unit.vision.detectors.onnx_models import CountingModel, fixed_output_model, yolo_table

# Network input 64×64. Anchor 0: a box of class 0; 1: class 1; 2: below the threshold; 3: a weaker
# near-duplicate of 0 that NMS removes.
TABLE = yolo_table(
    [
        (32, 32, 16, 8, [0.9, 0.1]),
        (10, 20, 4, 4, [0.2, 0.6]),
        (50, 50, 8, 8, [0.1, 0.2]),
        (33, 32, 16, 8, [0.8, 0.0]),
        *[(0, 0, 0, 0, [0.0, 0.0])] * 4,  # Ultralytics heads have more anchors than 4 + C rows
    ]
)
FRAME = np.zeros((64, 128, 3), np.uint8)  # 128 wide, 64 high: scale 0.5, 16 px bars top and bottom


def detector(
    tmp_path: Path, table: np.ndarray = TABLE, dynamic_batch: bool = True, **config: object
) -> OnnxYolo:
    path = fixed_output_model(tmp_path / "yolo.onnx", table, dynamic_batch=dynamic_batch)
    settings = OnnxYoloConfig(model=path, **config)
    built = build_detector(settings, load_onnx)
    assert isinstance(built, OnnxYolo)
    return built


def test_boxes_are_decoded_and_mapped_back_through_the_letterbox(tmp_path: Path) -> None:
    found = detector(tmp_path).detect(FRAME)
    # (32 ± 8, 32 ± 4) in the network → x / 0.5, (y − 16) / 0.5 in the frame.
    np.testing.assert_allclose(found.xyxy, [[48, 24, 80, 40], [16, 4, 24, 12]])
    np.testing.assert_allclose(found.confidence, [0.9, 0.6])
    np.testing.assert_array_equal(found.class_id, [0, 1])


def test_without_mosaic_regions_run_as_one_batch_and_map_to_their_place(tmp_path: Path) -> None:
    yolo = detector(tmp_path, mosaic=False)
    counting = CountingModel(yolo.model)  # type: ignore[arg-type]
    yolo.model = counting
    found = yolo.detect(FRAME, regions=[[0, 0, 64, 64], [64, 0, 128, 64]])
    assert counting.batches == [2]
    # Each 64×64 region fills the input exactly (scale 1, no bars).
    expected = [[24, 28, 40, 36], [88, 28, 104, 36], [8, 18, 12, 22], [72, 18, 76, 22]]
    order = np.lexsort((found.xyxy[:, 0], -found.confidence))
    np.testing.assert_allclose(found.xyxy[order], expected)


def test_without_mosaic_a_fixed_batch_model_runs_region_by_region(tmp_path: Path) -> None:
    yolo = detector(tmp_path, dynamic_batch=False, mosaic=False)
    counting = CountingModel(yolo.model)  # type: ignore[arg-type]
    yolo.model = counting
    found = yolo.detect(FRAME, regions=[[0, 0, 64, 64], [64, 0, 128, 64], [5, 5, 5, 30]])
    assert counting.batches == [1, 1]  # the empty third region is dropped
    assert len(found) == 4


def test_a_fixed_batch_model_sees_all_regions_in_one_mosaic(tmp_path: Path) -> None:
    yolo = detector(tmp_path, dynamic_batch=False)
    counting = CountingModel(yolo.model)  # type: ignore[arg-type]
    yolo.model = counting
    found = yolo.detect(FRAME, regions=[[0, 0, 28, 28], [100, 30, 128, 58]])
    assert counting.batches == [1]
    # Tiles (0, 0)-(28, 28) and (36, 0)-(64, 28): only anchor 1, centred at (10, 20), lies in one.
    np.testing.assert_allclose(found.xyxy, [[8, 18, 12, 22]])
    np.testing.assert_array_equal(found.class_id, [1])


def test_transposed_output_decodes_the_same(tmp_path: Path) -> None:
    found = detector(tmp_path, table=np.ascontiguousarray(TABLE.T)).detect(FRAME)
    np.testing.assert_allclose(found.xyxy, [[48, 24, 80, 40], [16, 4, 24, 12]])


def test_threshold_class_filter_and_limit(tmp_path: Path) -> None:
    assert len(detector(tmp_path, confidence=0.7).detect(FRAME)) == 1
    only = detector(tmp_path, classes=("class_1",)).detect(FRAME)
    np.testing.assert_array_equal(only.class_id, [1])
    assert len(detector(tmp_path, max_detections=1).detect(FRAME)) == 1
    with pytest.raises(DetectorError, match=r"unknown class names \['car'\]"):
        detector(tmp_path, classes=("car",))


def test_labels_from_metadata_file_or_index(tmp_path: Path) -> None:
    names = {"names": "{0: 'helmet', 1: 'no_helmet'}"}
    path = fixed_output_model(tmp_path / "named.onnx", TABLE, metadata=names)
    assert OnnxYolo.from_config(OnnxYoloConfig(model=path), load_onnx).classes == ("helmet", "no_helmet")
    labels = tmp_path / "labels.txt"
    labels.write_text("vest\n\nno_vest\n")
    assert OnnxYolo.from_config(OnnxYoloConfig(model=path, labels=labels), load_onnx).classes == (
        "vest",
        "no_vest",
    )
    assert detector(tmp_path).classes == ("class_0", "class_1")
    labels.write_text("one\n")
    with pytest.raises(DetectorError, match="the model has 2 classes but 1 names were given"):
        OnnxYolo.from_config(OnnxYoloConfig(model=path, labels=labels), load_onnx)


def test_a_model_with_the_wrong_output_rank_is_refused(tmp_path: Path) -> None:
    path = fixed_output_model(tmp_path / "flat.onnx", np.zeros((6,), np.float32))
    with pytest.raises(
        ModelFileError,
        match=r"unexpected outputs: expected boxes and class scores \[\?, \?, \?\], found \[\?, 6\]",
    ):
        load_onnx(path, SIGNATURE)
