"""The pipeline ONNX detector backends share: regions → one network input → decode → frame boxes → NMS.

A backend supplies its input size, normalisation and ``decode`` (one batch item's raw outputs into
``Candidates`` in network pixels). A backend whose model takes several input sizes (NanoDet) also
overrides ``input_size_for`` (the input a whole frame of that shape gets) and ``decode_at``.

On the CPU an inference costs about the same whatever it shows (the network input has a fixed size;
see ``python -m bench detectors``), so several regions of one frame are packed into one input
(``mosaic``, the default): one inference per frame, each region at a higher resolution than the whole
frame would give it, never enlarged (see ``mosaic.MAX_SCALE``). When they do not pack at a better scale
than the whole frame, the whole frame is searched once and only what is centred in a region is kept.
Without ``mosaic`` each region fills its own batch item: one call for models with a dynamic batch size,
one after another otherwise.
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
from kuzet.vision.detectors.mosaic import plan_mosaic, prepare_mosaic
from kuzet.vision.detectors.postprocess import Candidates, nms
from kuzet.vision.detectors.preprocess import InputBatch, Normalisation, frame_regions, prepare_batch


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

    def decode_at(self, outputs: list[NDArray[np.float32]], index: int, size: tuple[int, int]) -> Candidates:
        """``decode`` for outputs of an input of ``size`` (width, height); the same for fixed-size models."""
        return self.decode(outputs, index)

    def input_size_for(self, height: int, width: int) -> tuple[int, int]:
        """The network input (width, height) for a whole ``width`` × ``height`` frame (and its mosaic)."""
        return self.input_size

    def detect(self, image_bgr: Image, regions: Regions | None = None) -> Detections:
        boxes = None if regions is None else frame_regions(image_bgr, regions)
        if boxes is not None and len(boxes) and self.settings.mosaic:
            found = self.search_mosaic(image_bgr, boxes)
        else:
            found = self.search_batch(image_bgr, boxes)
        if self.keep_classes is not None:
            found = found.select(np.isin(found.class_id, self.keep_classes))
        kept = nms(found, self.settings.iou)[: self.settings.max_detections]
        return Detections(
            xyxy=found.xyxy[kept], confidence=found.confidence[kept], class_id=found.class_id[kept]
        )

    def search_batch(self, image_bgr: Image, boxes: NDArray[np.float32] | None) -> Candidates:
        """Each region (the whole frame for ``None``) letterboxed into its own batch item."""
        size = self.input_size if boxes is not None else self.input_size_for(*image_bgr.shape[:2])
        batch = prepare_batch(image_bgr, boxes, size, self.normalisation)
        if not len(batch.pixels):
            return Candidates.concat([])
        outputs = self.infer(batch.pixels)
        return Candidates.concat([self.in_frame(batch, outputs, i, size) for i in range(len(batch.pixels))])

    def search_mosaic(self, image_bgr: Image, boxes: NDArray[np.float32]) -> Candidates:
        """All regions in one input; the whole frame, keeping what is centred in a region, when they do
        not pack at a better scale than it."""
        height, width = image_bgr.shape[:2]
        size = self.input_size_for(height, width)
        whole_frame_scale = min(size[0] / width, size[1] / height)
        tiles = plan_mosaic(boxes, size, whole_frame_scale)
        if tiles is None:
            found = self.search_batch(image_bgr, None)
            return found.select(centred_in(found.xyxy, boxes))
        mosaic = prepare_mosaic(image_bgr, boxes, tiles, size, self.normalisation)
        raw = self.decode_at(self.model.run(mosaic.pixels), 0, size)
        xyxy, keep = mosaic.to_frame(raw.xyxy)
        return Candidates(xyxy, raw.confidence, raw.class_id).select(keep)

    def infer(self, pixels: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        if self.batchable or len(pixels) == 1:
            return self.model.run(pixels)
        runs = [self.model.run(pixels[i : i + 1]) for i in range(len(pixels))]
        return [np.concatenate(parts) for parts in zip(*runs, strict=True)]

    def in_frame(
        self, batch: InputBatch, outputs: list[NDArray[np.float32]], index: int, size: tuple[int, int]
    ) -> Candidates:
        found = self.decode_at(outputs, index, size)
        return Candidates(batch.to_frame(index, found.xyxy), found.confidence, found.class_id)


def centred_in(xyxy: NDArray[np.float32], regions: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Which boxes [N, 4] have their centre inside one of ``regions`` [R, 4]."""
    centre = (xyxy[:, None, :2] + xyxy[:, None, 2:]) / 2
    inside = np.all((centre >= regions[None, :, :2]) & (centre <= regions[None, :, 2:]), axis=2)
    return np.asarray(np.any(inside, axis=1), np.bool_)
