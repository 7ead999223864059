"""Evidence for an operator: a JPEG of the moment with the boxes drawn, and where the clip is.

An alert without a picture makes the operator open the camera and search; a snapshot with the offending
object boxed and labelled lets them decide in a second. The clip itself stays in the recorder's
segments; a ``ClipReference`` names the camera and the time range around the hit to cut or play.

>>> jpeg = render_snapshot(frame, [hit.bbox], [f"{hit.code} #{hit.track_ids[0]}"])   # doctest: +SKIP
>>> clip = ClipReference.around("street-0001", hit.time, before=10, after=20)         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import cv2
import numpy as np
from numpy.typing import NDArray

Box = tuple[float, float, float, float]
_RED = (0, 0, 255)  # BGR
_WHITE = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class ClipReference:
    """The stretch of a camera's recording that shows an incident."""

    camera_id: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"clip of {self.camera_id}: end {self.end} is not after start {self.start}")

    @classmethod
    def around(
        cls, camera_id: str, hit_time: float, before: float = 10.0, after: float = 20.0
    ) -> ClipReference:
        """``before`` seconds before the hit (epoch seconds) to ``after`` seconds after it."""
        moment = datetime.fromtimestamp(hit_time, UTC)
        return cls(camera_id, moment - timedelta(seconds=before), moment + timedelta(seconds=after))

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def render_snapshot(
    frame: NDArray[np.uint8],
    boxes: Sequence[Box],
    labels: Sequence[str] = (),
    *,
    quality: int = 85,
    max_width: int | None = 1280,
) -> bytes:
    """JPEG bytes of ``frame`` (BGR) with each box outlined and its label above it.

    The frame is not modified; frames wider than ``max_width`` are scaled down first (alerts travel to
    browsers over city networks).
    """
    if labels and len(labels) != len(boxes):
        raise ValueError(f"{len(labels)} labels for {len(boxes)} boxes")
    image = frame.copy()
    scale = 1.0
    if max_width is not None and image.shape[1] > max_width:
        scale = max_width / image.shape[1]
        size = (max_width, round(image.shape[0] * scale))
        image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)
    thickness = max(2, image.shape[1] // 400)
    for i, box in enumerate(boxes):
        x1, y1, x2, y2 = (round(v * scale) for v in box)
        cv2.rectangle(image, (x1, y1), (x2, y2), _RED, thickness)
        if labels:
            _label(image, labels[i], x1, y1)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the frame could not be encoded as JPEG")
    return encoded.tobytes()


def _label(image: NDArray[np.uint8], text: str, x: int, y: int) -> None:
    font, size = cv2.FONT_HERSHEY_SIMPLEX, max(0.5, image.shape[1] / 1600)
    (width, height), baseline = cv2.getTextSize(text, font, size, 1)
    top = max(0, y - height - baseline - 4)
    cv2.rectangle(image, (x, top), (x + width + 4, top + height + baseline + 4), _RED, cv2.FILLED)
    cv2.putText(image, text, (x + 2, top + height + 2), font, size, _WHITE, 1, cv2.LINE_AA)
