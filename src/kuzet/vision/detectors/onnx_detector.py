"""The pipeline ONNX detector backends share: regions → one batch → decode → frame boxes → NMS.

A backend supplies its input size, normalisation and ``decode`` (one batch item's raw outputs into
``Candidates`` in network pixels). When the model's batch dimension is fixed at 1 the regions run one
after another; otherwise they go through ONNX Runtime as one batch (one call, one set of buffers).

On the CPU a region costs about what a full frame costs (the network input has a fixed size; see
``python -m bench detectors``): regions pay off by seeing small, distant objects at a higher
resolution and by skipping still frames altogether, not by making one frame cheaper.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detections import Detections
from kuzet.vision.detectors.base import (
    Detector,
    Image,
    OnnxDetectorSettings,
    OnnxModel,
    Regions,
    class_filter,
)
from kuzet.vision.detectors.postprocess import Candidates, nms
from kuzet.vision.detectors.preprocess import InputBatch, Normalisation, prepare_batch


class OnnxDetector(Detector):
    """A detector running one ONNX model; subclasses decode its outputs."""

    def __init__(
        self,
        model: OnnxModel,
        settings: OnnxDetectorSettings,
        classes: tuple[str, ...],
        input_size: tuple[int, int],
        normalisation: Normalisation,
    ) -> None:
        self.model = model
        self.settings = settings
        self.classes = classes
        self.input_size = input_size
        self.normalisation = normalisation
        self.batchable = model.input_shape[0] != 1
        self.keep_classes = class_filter(settings, classes)

    @abstractmethod
    def decode(self, outputs: list[NDArray[np.float32]], index: int) -> Candidates:
        """Candidates of batch item ``index`` in network input pixels, above the confidence threshold."""

    def detect(self, image_bgr: Image, regions: Regions | None = None) -> Detections:
        batch = prepare_batch(image_bgr, regions, self.input_size, self.normalisation)
        if not len(batch.pixels):
            return Detections.empty()
        outputs = self.infer(batch.pixels)
        found = Candidates.concat([self.in_frame(batch, outputs, i) for i in range(len(batch.pixels))])
        if self.keep_classes is not None:
            found = found.select(np.isin(found.class_id, self.keep_classes))
        kept = nms(found, self.settings.iou)[: self.settings.max_detections]
        return Detections(
            xyxy=found.xyxy[kept], confidence=found.confidence[kept], class_id=found.class_id[kept]
        )

    def infer(self, pixels: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        if self.batchable or len(pixels) == 1:
            return self.model.run(pixels)
        runs = [self.model.run(pixels[i : i + 1]) for i in range(len(pixels))]
        return [np.concatenate(parts) for parts in zip(*runs, strict=True)]

    def in_frame(self, batch: InputBatch, outputs: list[NDArray[np.float32]], index: int) -> Candidates:
        found = self.decode(outputs, index)
        return Candidates(batch.to_frame(index, found.xyxy), found.confidence, found.class_id)
