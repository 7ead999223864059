"""A user's Ultralytics YOLOv8/YOLO11 detector exported to ONNX (``yolo export format=onnx``).

The model takes RGB / 255 in [B, 3, H, W] (letterboxed with grey bars, as Ultralytics trains) and
returns [B, 4 + C, N]: box centre x, y, width, height in input pixels, then C class scores. Class names
come from a labels file (one per line), else the ``names`` metadata Ultralytics writes, else COCO when
C is 80, else ``class_<i>``. Exports without a dynamic batch run region by region.

Example::

    detector = OnnxYolo.from_config(OnnxYoloConfig(model=Path("helmets.onnx")), load_onnx)
"""

from __future__ import annotations

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
from kuzet.vision.detectors.labels import names_from_metadata, read_labels
from kuzet.vision.detectors.onnx_detector import OnnxDetector
from kuzet.vision.detectors.postprocess import Candidates, decode_yolo
from kuzet.vision.detectors.preprocess import Normalisation

SIGNATURE = ModelSignature(
    inputs=(TensorPattern((None, 3, None, None), "image batch"),),
    outputs=(TensorPattern((None, None, None), "boxes and class scores"),),
)


class OnnxYoloConfig(OnnxDetectorSettings):
    """An Ultralytics-format YOLO ONNX file."""

    type: Literal["onnx_yolo"] = Field("onnx_yolo", description="Detector backend")
    model: Path = Field(description="The ONNX file exported by Ultralytics")
    labels: Path | None = Field(None, description="Class names, one per line (default: the model's metadata)")
    input_size: int = Field(
        640, ge=32, description="Square input size, used only when the model's own size is not fixed"
    )


class OnnxYolo(OnnxDetector):
    """YOLOv8/11 detections; ``class_id`` indexes this model's ``classes``."""

    name = "onnx_yolo"

    def __init__(self, model: OnnxModel, settings: OnnxYoloConfig, classes: tuple[str, ...]) -> None:
        height, width = model.input_shape[2:]
        size = (width or settings.input_size, height or settings.input_size)
        super().__init__(model, settings, classes, size, Normalisation.unit_rgb())
        rows, columns = model.output_shapes[0][1:]
        self.transposed = rows != 4 + len(classes) and columns == 4 + len(classes)  # [B, N, 4 + C]

    @classmethod
    def from_config(cls, config: OnnxYoloConfig, load_model: ModelLoader) -> OnnxYolo:
        model = load_model(config.model, SIGNATURE, threads=config.threads)
        return cls(model, config, class_names(model, config.labels))

    def decode(self, outputs: list[NDArray[np.float32]], index: int) -> Candidates:
        output = outputs[0][index]
        return decode_yolo(output.T if self.transposed else output, self.settings.confidence)


def class_names(model: OnnxModel, labels: Path | None) -> tuple[str, ...]:
    """Names for the model's classes; a count that does not match the output is a ``DetectorError``."""
    sizes = [n for n in model.output_shapes[0][1:] if n is not None]
    count = min(sizes) - 4 if sizes else None  # N anchors outnumber 4 + C rows
    names = read_labels(labels) if labels else names_from_metadata(model.metadata)
    if names is None:
        if count is None:
            raise DetectorError(f"{model.path}: the class count is not fixed; give a labels file")
        names = COCO_CLASSES if count == len(COCO_CLASSES) else tuple(f"class_{i}" for i in range(count))
    if sizes and 4 + len(names) not in sizes:
        raise DetectorError(f"{model.path}: the model has {count} classes but {len(names)} names were given")
    return names
