"""The image-classifier slot on a generated model whose scores are 4 × the mean of each RGB channel."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kuzet.adapters.models.loader import load_onnx
from kuzet.vision.detectors.base import DetectorError
from kuzet.vision.detectors.classifier import ClassifierConfig, ImageClassifier
from tests.unit.vision.detectors.onnx_models import channel_mean_classifier

LABELS = {"labels": json.dumps(["red", "green", "blue"])}


def frame() -> np.ndarray:
    image = np.zeros((40, 80, 3), np.uint8)
    image[:, :40] = (0, 0, 255)  # left half red (BGR)
    image[:, 40:] = (255, 0, 0)  # right half blue
    return image


def expected(logits: list[float]) -> np.ndarray:
    e = np.exp(np.array(logits) - max(logits))
    probabilities: np.ndarray = e / e.sum()
    return probabilities


def test_crops_are_classified_in_one_batch_with_softmax(tmp_path: Path) -> None:
    path = channel_mean_classifier(tmp_path / "colour.onnx", metadata=LABELS)
    classifier = ImageClassifier.from_config(ClassifierConfig(model=path), load_onnx)
    result = classifier.classify(frame(), [[0, 0, 40, 40], [40, 0, 80, 40], [30, 0, 50, 40]])
    assert result.labels == ("red", "green", "blue")
    np.testing.assert_allclose(result.probabilities[0], expected([4, 0, 0]), rtol=1e-5)
    np.testing.assert_allclose(result.probabilities[1], expected([0, 0, 4]), rtol=1e-5)
    np.testing.assert_allclose(result.probabilities[2], expected([2, 0, 2]), rtol=1e-5)
    assert result.best().tolist()[:2] == [0, 2]
    np.testing.assert_allclose(result.score("blue")[1], expected([0, 0, 4])[2], rtol=1e-5)


def test_probabilities_from_the_model_pass_through(tmp_path: Path) -> None:
    path = channel_mean_classifier(tmp_path / "soft.onnx", with_softmax=True)
    classifier = ImageClassifier.from_config(ClassifierConfig(model=path), load_onnx)
    result = classifier.classify(frame(), [[0, 0, 40, 40]])
    np.testing.assert_allclose(result.probabilities[0], expected([4, 0, 0]), rtol=1e-5)  # not softmax twice
    assert classifier.labels == ("class_0", "class_1", "class_2")


def test_bgr_input_whole_frame_and_no_boxes(tmp_path: Path) -> None:
    path = channel_mean_classifier(tmp_path / "colour.onnx", metadata=LABELS)
    config = ClassifierConfig(model=path, rgb=False, output="logits")
    classifier = ImageClassifier.from_config(config, load_onnx)
    whole = classifier.classify(frame())
    np.testing.assert_allclose(whole.probabilities[0], expected([2, 0, 2]), rtol=1e-5)
    left = classifier.classify(frame(), [[0, 0, 40, 40]])
    np.testing.assert_allclose(left.probabilities[0], expected([0, 0, 4]), rtol=1e-5)  # channels as stored
    assert classifier.classify(frame(), np.empty((0, 4))).probabilities.shape == (0, 3)


def test_labels_file_must_match_the_class_count(tmp_path: Path) -> None:
    path = channel_mean_classifier(tmp_path / "colour.onnx")
    labels = tmp_path / "labels.txt"
    labels.write_text("drinking\nsober\n")
    with pytest.raises(DetectorError, match="the model has 3 classes but 2 labels were given"):
        ImageClassifier.from_config(ClassifierConfig(model=path, labels=labels), load_onnx)
    with pytest.raises(DetectorError, match="cannot read labels file"):
        ImageClassifier.from_config(ClassifierConfig(model=path, labels=tmp_path / "missing.txt"), load_onnx)
