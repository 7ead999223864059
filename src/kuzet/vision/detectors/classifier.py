"""The image-classifier slot: a user's ONNX model that labels crops (public drinking, graffiti, seatbelt…).

Crops (detection boxes, or the whole frame) are resized to the model input, normalised and classified
in one batch where the model allows. The model returns [B, K] scores; they come back as probabilities
(a softmax is applied unless the rows already are distributions, or as ``output`` says). Labels come
from a labels file, else the model's ``names``/``labels`` metadata, else ``class_<i>``.

Example::

    classifier = ImageClassifier.from_config(ClassifierConfig(model=Path("seatbelt.onnx")), load_onnx)
    result = classifier.classify(frame, detections.xyxy)
    result.labels[result.best()[0]]  # e.g. "seatbelt"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from kuzet.vision.detectors.base import (
    DetectorError,
    Image,
    ModelLoader,
    ModelSignature,
    OnnxModel,
    Regions,
    TensorPattern,
)
from kuzet.vision.detectors.labels import names_from_metadata, read_labels
from kuzet.vision.detectors.postprocess import softmax
from kuzet.vision.detectors.preprocess import frame_regions

SIGNATURE = ModelSignature(
    inputs=(TensorPattern((None, 3, None, None), "image batch"),),
    outputs=(TensorPattern((None, None), "class scores"),),
)


class ClassifierConfig(BaseModel):
    """An ONNX image classifier applied to crops."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["onnx_classifier"] = Field("onnx_classifier", description="Classifier backend")
    model: Path = Field(description="The ONNX classifier file")
    labels: Path | None = Field(None, description="Class names, one per line (default: the model's metadata)")
    threads: int = Field(1, ge=1, le=64, description="ONNX Runtime intra-op threads")
    input_size: int = Field(
        224, ge=8, description="Square input size, used only when the model's is not fixed"
    )
    rgb: bool = Field(True, description="Feed RGB (True) or BGR (False) channels")
    mean: tuple[float, float, float] = Field(
        (0.0, 0.0, 0.0), description="Per-channel mean subtracted (0..255)"
    )
    std: tuple[float, float, float] = Field((255.0, 255.0, 255.0), description="Per-channel divisor (0..255)")
    output: Literal["auto", "logits", "probabilities"] = Field(
        "auto", description="Whether the model returns logits (softmax applied) or probabilities"
    )


@dataclass(frozen=True, slots=True)
class Classification:
    """Probabilities [N, K] float32 for N crops over ``labels`` (K names)."""

    probabilities: NDArray[np.float32]
    labels: tuple[str, ...]

    def best(self) -> NDArray[np.intp]:
        """The most probable class of each crop."""
        return self.probabilities.argmax(axis=1) if len(self.probabilities) else np.empty(0, np.intp)

    def score(self, label: str) -> NDArray[np.float32]:
        """Each crop's probability of ``label``."""
        return self.probabilities[:, self.labels.index(label)]


class ImageClassifier:
    """Classifies crops of a BGR frame with one ONNX model."""

    def __init__(self, model: OnnxModel, config: ClassifierConfig, labels: tuple[str, ...]) -> None:
        self.model = model
        self.config = config
        self.labels = labels
        height, width = model.input_shape[2:]
        self.size = (width or config.input_size, height or config.input_size)
        self.batchable = model.input_shape[0] != 1

    @classmethod
    def from_config(cls, config: ClassifierConfig, load_model: ModelLoader) -> ImageClassifier:
        model = load_model(config.model, SIGNATURE, threads=config.threads)
        return cls(model, config, classifier_labels(model, config.labels))

    def classify(self, image_bgr: Image, boxes: Regions | None = None) -> Classification:
        """Probabilities for each box ([N, 4] frame pixels; the whole frame when ``None``)."""
        regions = frame_regions(image_bgr, boxes)
        if not len(regions):
            return Classification(np.empty((0, len(self.labels)), np.float32), self.labels)
        pixels = self.pixels(image_bgr, regions)
        if self.batchable:
            scores = self.model.run(pixels)[0]
        else:
            scores = np.concatenate([self.model.run(pixels[i : i + 1])[0] for i in range(len(pixels))])
        return Classification(self.probabilities(scores.astype(np.float32)), self.labels)

    def pixels(self, image: Image, regions: NDArray[np.float32]) -> NDArray[np.float32]:
        crops = [cv2.resize(image[y1:y2, x1:x2], self.size) for x1, y1, x2, y2 in regions.astype(int)]
        stacked = np.stack(crops).astype(np.float32)
        if self.config.rgb:
            stacked = stacked[..., ::-1]
        normalised = (stacked - np.array(self.config.mean, np.float32)) / np.array(
            self.config.std, np.float32
        )
        return np.ascontiguousarray(normalised.transpose(0, 3, 1, 2), dtype=np.float32)

    def probabilities(self, scores: NDArray[np.float32]) -> NDArray[np.float32]:
        mode = self.config.output
        if mode == "auto":
            distributions = (scores >= 0).all() and np.allclose(scores.sum(axis=1), 1.0, atol=1e-3)
            mode = "probabilities" if distributions else "logits"
        return scores if mode == "probabilities" else softmax(scores, axis=1)


def classifier_labels(model: OnnxModel, labels: Path | None) -> tuple[str, ...]:
    """Labels from the file, the metadata (``names`` dict or ``labels`` JSON list) or by index."""
    count = model.output_shapes[0][1]
    names = read_labels(labels) if labels else names_from_metadata(model.metadata)
    if names is None and "labels" in model.metadata:
        try:
            names = tuple(str(n) for n in json.loads(model.metadata["labels"]))
        except (ValueError, TypeError):
            names = tuple(n.strip() for n in model.metadata["labels"].split(",") if n.strip())
    if names is None:
        if count is None:
            raise DetectorError(f"{model.path}: the class count is not fixed; give a labels file")
        names = tuple(f"class_{i}" for i in range(count))
    if count is not None and len(names) != count:
        raise DetectorError(f"{model.path}: the model has {count} classes but {len(names)} labels were given")
    return names
