"""The fallback people detector: OpenCV's HOG + linear SVM (Dalal–Triggs), no model file needed.

It finds upright, walking-size people (at least its 64×128 window, so ``upscale`` helps with small
ones), is slower than NanoDet per pixel and misses more, but it works on any machine with OpenCV 4.
Its SVM margin ``w`` becomes a confidence in (0, 1) through the logistic ``1 / (1 + exp(-w))``, so
the default threshold 0.5 keeps every window the SVM accepts.

Example::

    detector = OpenCvHog(OpenCvHogConfig(upscale=1.5))
"""

from __future__ import annotations

from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.detectors.base import Detector, DetectorSettings, Image, Regions
from kuzet.vision.detectors.postprocess import Candidates, nms
from kuzet.vision.detectors.preprocess import frame_regions


class OpenCvHogConfig(DetectorSettings):
    """OpenCV's built-in HOG people detector."""

    type: Literal["opencv_hog"] = Field("opencv_hog", description="Detector backend")
    confidence: float = Field(0.5, ge=0.0, le=1.0, description="Logistic of the SVM margin to keep")
    win_stride: int = Field(8, ge=1, le=32, description="Window step in pixels (smaller: slower, finer)")
    scale: float = Field(1.05, gt=1.0, le=2.0, description="Ratio between the image pyramid levels")
    upscale: float = Field(
        1.0, ge=1.0, le=4.0, description="Enlarge the image first to find people under 128 px"
    )


class OpenCvHog(Detector):
    """People only: ``classes == ("person",)``, so ``class_id`` 0 is also COCO's person."""

    name = "opencv_hog"
    classes = ("person",)

    def __init__(self, settings: OpenCvHogConfig) -> None:
        self.settings = settings
        self.hog = cv2.HOGDescriptor()
        self.hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector(), np.float32))

    def detect(self, image_bgr: Image, regions: Regions | None = None) -> Detections:
        parts = [self.search(image_bgr, box) for box in frame_regions(image_bgr, regions).astype(int)]
        found = Candidates.concat(parts)
        found = found.select(found.confidence >= self.settings.confidence)
        kept = nms(found, self.settings.iou)[: self.settings.max_detections]
        return Detections(
            xyxy=found.xyxy[kept], confidence=found.confidence[kept], class_id=found.class_id[kept]
        )

    def search(self, image: Image, region: NDArray[np.int64]) -> Candidates:
        """People in one region, in frame pixels."""
        x1, y1, x2, y2 = (int(v) for v in region)
        up = self.settings.upscale
        crop: NDArray[Any] = image[y1:y2, x1:x2]
        if up > 1.0:
            crop = cv2.resize(crop, None, fx=up, fy=up, interpolation=cv2.INTER_LINEAR)
        stride = (self.settings.win_stride, self.settings.win_stride)
        rects, weights = self.hog.detectMultiScale(
            crop, winStride=stride, padding=(8, 8), scale=self.settings.scale
        )
        if not len(rects):
            return Candidates.from_arrays(np.empty((0, 4)), [], [])
        boxes = np.asarray(rects, np.float32).reshape(-1, 4) / np.float32(up)
        offset = np.array([x1, y1, x1, y1], np.float32)
        xyxy = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1) + offset
        margin = np.asarray(weights, np.float64).reshape(-1)
        confidence = np.exp(-np.logaddexp(0.0, -margin))  # the logistic, without overflow
        inside = np.clip(xyxy, offset, np.array([x2, y2, x2, y2], np.float32))
        return Candidates.from_arrays(inside, confidence, np.zeros(len(boxes)))
