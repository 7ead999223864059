"""Classifier: an image model decides (public drinking, graffiti, seatbelt…); the rule decides when.

The boxes of watched tracks (with a margin) go to the named model slot at most every
``interval_seconds`` per track (models are expensive); the configured offense is reported when the
class probability reaches ``threshold`` on ``consecutive`` checks in a row, and the track may report
again after as many negative checks. Any object with ``classify(frame, boxes).probabilities`` fits the
slot, e.g. ``kuzet.vision.detectors.classifier.ImageClassifier``.
Without a frame (``frame=None``) nothing is checked.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class ClassifierConfig(RuleConfigBase):
    type: Literal["classifier"] = Field(description="Rule kind")
    model: str = Field(min_length=1, description="Name of the classifier model slot")
    class_index: int = Field(ge=0, description="Output index of the class that means the offense")
    threshold: float = Field(0.8, gt=0, le=1, description="Probability that counts as positive")
    consecutive: int = Field(3, ge=1, description="Positive checks in a row before reporting")
    interval_seconds: float = Field(1.0, gt=0, description="Least time between checks of one track")
    padding: float = Field(0.1, ge=0, le=1, description="Crop margin around the box, fraction of its size")


def padded(boxes: NDArray[np.float32], padding: float, frame_size: tuple[int, int]) -> NDArray[np.float32]:
    """Boxes [N, 4] grown by ``padding`` of their size on each side, clipped to the frame."""
    margin = np.tile(boxes[:, 2:] - boxes[:, :2], 2) * padding * np.array([-1, -1, 1, 1], np.float32)
    limit = np.array([frame_size[0], frame_size[1]] * 2, np.float32)
    return np.clip(boxes + margin, 0, limit).astype(np.float32)


class ClassifierRule(Rule[ClassifierConfig]):
    config_type = ClassifierConfig

    def __init__(self, config: ClassifierConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        if config.model not in env.classifiers:
            raise ValueError(f"rules.{config.id}.model: no classifier model {config.model!r} is loaded")
        self.model = env.classifiers[config.model]
        self.last_check: dict[int, float] = {}
        self.streak: dict[int, int] = {}  # > 0: positives in a row; < 0: negatives in a row

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        if frame is None:
            return []
        c = self.config
        ids = tracks.tracker_id.tolist()
        due = [
            row
            for row in np.flatnonzero(self.watched(tracks)).tolist()
            if frame_time - self.last_check.get(ids[row], -np.inf) >= c.interval_seconds
        ]
        if not due:
            return []
        boxes = padded(tracks.xyxy[due], c.padding, (frame.shape[1], frame.shape[0]))
        probabilities = self.model.classify(frame, boxes).probabilities[:, c.class_index]
        hits = []
        for row, probability in zip(due, probabilities.tolist(), strict=True):
            track_id = ids[row]
            self.last_check[track_id] = frame_time
            hits += self._record(tracks, row, track_id, probability, frame_time)
        return hits

    def _record(
        self, tracks: TracksState, row: int, track_id: int, probability: float, now: float
    ) -> list[RuleHit]:
        c = self.config
        previous = self.streak.get(track_id, 0)
        if probability >= c.threshold:
            self.streak[track_id] = max(previous, 0) + 1
        else:
            self.streak[track_id] = min(previous, 0) - 1
            if self.streak[track_id] <= -c.consecutive:
                self.reported.release(np.array([track_id]))
            return []
        if self.streak[track_id] < c.consecutive or track_id in self.reported:
            return []
        self.reported.mark(np.array([track_id]))
        return [self.hit(tracks, np.array([row]), now, f"p={probability:.2f}", confidence=probability)]

    def forget(self, ended: Ids) -> None:
        for track_id in ended.tolist():
            self.last_check.pop(track_id, None)
            self.streak.pop(track_id, None)
