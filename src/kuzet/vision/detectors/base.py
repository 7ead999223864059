"""What every detector backend implements, and the port through which ONNX models reach the vision layer.

A backend is one module with a ``Detector`` subclass and its pydantic config (``type: Literal[...]``);
``registry`` joins the configs into one discriminated union and builds detectors from it. The vision
layer never opens model files itself: it describes the model it needs (``ModelSignature``) and asks a
``ModelLoader`` (``kuzet.adapters.models.loader.load_onnx``, passed in by the wiring) for an
``OnnxModel``.

Example::

    detector = build_detector(NanoDetConfig(), load_onnx)
    people = detector.detect(frame_bgr, regions=motion_regions)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from kuzet.errors import KuzetError
from kuzet.vision.detections import Detections

Image = NDArray[np.uint8]
Regions = NDArray[np.floating[Any]] | Sequence[Sequence[float]]
Shape = tuple[int | None, ...]


class DetectorError(KuzetError):
    """A detector cannot be built or run: a model that does not fit, an unknown class name."""


class Detector(ABC):
    """Finds objects in BGR frames; ``classes[i]`` names ``class_id == i``."""

    name: str
    classes: tuple[str, ...]

    @abstractmethod
    def detect(self, image_bgr: Image, regions: Regions | None = None) -> Detections:
        """Objects in ``image_bgr`` (H×W×3 uint8), boxes in frame pixels.

        With ``regions`` ([R, 4] x1, y1, x2, y2 pixels, e.g. from the motion gate) only those parts of
        the frame are searched; ONNX backends pack them into one network input (see ``mosaic``).
        """


@dataclass(frozen=True, slots=True)
class TensorPattern:
    """An expected tensor shape; ``None`` matches any size. ``what`` names it in error messages."""

    dims: Shape
    what: str

    def matches(self, shape: Shape) -> bool:
        return len(shape) == len(self.dims) and all(
            want is None or have is None or want == have for want, have in zip(self.dims, shape, strict=True)
        )

    def __str__(self) -> str:
        dims = ", ".join("?" if d is None else str(d) for d in self.dims)
        return f"{self.what} [{dims}]"


@dataclass(frozen=True, slots=True)
class ModelSignature:
    """The inputs and outputs a backend needs; outputs may be matched in any order (NanoDet's six)."""

    inputs: tuple[TensorPattern, ...]
    outputs: tuple[TensorPattern, ...]
    outputs_in_any_order: bool = False


class OnnxModel(Protocol):
    """A loaded single-input ONNX model, as the vision layer sees it."""

    @property
    def path(self) -> Path: ...

    @property
    def input_shape(self) -> Shape: ...

    @property
    def output_shapes(self) -> tuple[Shape, ...]: ...

    @property
    def metadata(self) -> Mapping[str, str]: ...

    def run(self, batch: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        """Outputs, in the model's order, for one input batch."""
        ...


class ModelLoader(Protocol):
    """Opens ``path`` as an ONNX model matching ``signature``, or raises an error that names the file."""

    def __call__(self, path: Path, signature: ModelSignature, *, threads: int) -> OnnxModel: ...


class DetectorSettings(BaseModel):
    """Settings every detector backend shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confidence: float = Field(0.35, ge=0.0, le=1.0, description="Drop detections scoring below this")
    iou: float = Field(
        0.5, gt=0.0, le=1.0, description="Non-maximum suppression: boxes of one class overlapping more merge"
    )
    classes: tuple[str, ...] | None = Field(
        None, description="Keep only these class names (default: every class the model knows)"
    )
    max_detections: int = Field(300, ge=1, description="Keep at most this many detections per frame")


class OnnxDetectorSettings(DetectorSettings):
    """Settings of backends that run an ONNX model."""

    threads: int = Field(
        1, ge=1, le=64, description="ONNX Runtime intra-op threads (one per camera worker is the default)"
    )
    mosaic: bool = Field(
        True,
        description="Pack a frame's regions into one network input (one inference per frame) instead of "
        "one input per region",
    )


def class_filter(settings: DetectorSettings, known: tuple[str, ...]) -> NDArray[np.int32] | None:
    """Class ids to keep, or ``None`` for all; an unknown name is a ``DetectorError``."""
    if settings.classes is None:
        return None
    unknown = [name for name in settings.classes if name not in known]
    if unknown:
        raise DetectorError(f"unknown class names {unknown}; this model knows {', '.join(known[:10])}, ...")
    return np.array([known.index(name) for name in settings.classes], dtype=np.int32)
