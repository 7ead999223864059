"""Opening model files: each failure names the file and says what is wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kuzet.adapters.models.loader import ModelFileError, load_onnx
from kuzet.vision.detectors.nanodet import SIGNATURE as NANODET
from kuzet.vision.detectors.onnx_yolo import SIGNATURE as YOLO
from tests.unit.vision.detectors.onnx_models import channel_mean_classifier, fixed_output_model


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=r"model file not found: .*/absent\.onnx$"):
        load_onnx(tmp_path / "absent.onnx")
    with pytest.raises(ModelFileError, match=r"nanodet\.onnx \(run `kuzet models install`\)"):
        load_onnx(tmp_path / "nanodet.onnx", NANODET)


def test_corrupt_bytes(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.onnx"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(
        ModelFileError, match=r"corrupt\.onnx: not (an|a valid) ONNX model \(corrupt or truncated\?\)"
    ):
        load_onnx(path)


def test_a_truncated_model(tmp_path: Path) -> None:
    whole = fixed_output_model(tmp_path / "whole.onnx", np.zeros((6, 8), np.float32)).read_bytes()
    path = tmp_path / "truncated.onnx"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ModelFileError, match=r"truncated\.onnx: not (an|a valid) ONNX model"):
        load_onnx(path)


def test_unexpected_shapes_say_what_was_expected_and_found(tmp_path: Path) -> None:
    classifier = channel_mean_classifier(tmp_path / "classifier.onnx")
    with pytest.raises(
        ModelFileError,
        match=r"classifier\.onnx: unexpected outputs: expected boxes and class scores \[\?, \?, \?\], "
        r"found \[\?, 3\]",
    ):
        load_onnx(classifier, YOLO)
    with pytest.raises(
        ModelFileError, match=r"unexpected outputs: expected class scores of one stride \[\?, \?, 80\]"
    ):
        load_onnx(
            fixed_output_model(tmp_path / "one.onnx", np.zeros((6, 8), np.float32), input_size=(416, 416)),
            NANODET,
        )


def test_a_good_model_reports_shapes_and_metadata(tmp_path: Path) -> None:
    path = fixed_output_model(
        tmp_path / "good.onnx", np.zeros((6, 8), np.float32), metadata={"names": "{0: 'a'}"}
    )
    model = load_onnx(path, YOLO, threads=2)
    assert model.input_shape == (None, 3, 64, 64)
    assert model.output_shapes == ((None, 6, 8),)
    assert model.metadata["names"] == "{0: 'a'}"
    assert model.session.get_session_options().intra_op_num_threads == 2
    assert model.run(np.zeros((2, 3, 64, 64), np.float32))[0].shape == (2, 6, 8)
