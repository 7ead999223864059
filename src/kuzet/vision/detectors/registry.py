"""The explicit detector registry: config type → how to build that backend.

``DetectorConfig`` is the discriminated union of every backend's config (on ``type``), so a site file
or environment value is validated, and a bad key reported with its path, before any model is opened.
A new backend is one module plus one line in ``BUILDERS``.

Example::

    config = TypeAdapter(DetectorConfig).validate_python({"type": "nanodet", "threads": 2})
    detector = build_detector(config, load_onnx)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from kuzet.vision.detectors.base import Detector, ModelLoader
from kuzet.vision.detectors.nanodet import NanoDet, NanoDetConfig
from kuzet.vision.detectors.onnx_yolo import OnnxYolo, OnnxYoloConfig
from kuzet.vision.detectors.opencv_hog import OpenCvHog, OpenCvHogConfig

DetectorConfig = Annotated[NanoDetConfig | OnnxYoloConfig | OpenCvHogConfig, Field(discriminator="type")]

Builder = Callable[[Any, ModelLoader], Detector]

BUILDERS: dict[type, Builder] = {
    NanoDetConfig: NanoDet.from_config,
    OnnxYoloConfig: OnnxYolo.from_config,
    OpenCvHogConfig: lambda config, _load_model: OpenCvHog(config),
}


def build_detector(config: DetectorConfig, load_model: ModelLoader) -> Detector:
    """The detector ``config`` describes; ONNX backends open their model through ``load_model``."""
    return BUILDERS[type(config)](config, load_model)
