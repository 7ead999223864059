"""Wrong way: movement against a zone's allowed direction (a car up a one-way street, a person
through an exit-only gate).

The allowed direction is an image vector; a track counts once it has moved at least ``min_distance``
(a fraction of the frame height) within ``tolerance_degrees`` of the opposite direction, over the last
``window_seconds``. One hit per track and stay in the zone.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from kuzet.vision.detections import VEHICLE_CLASSES, Detections
from kuzet.vision.rules.base import Frame, Rule, RuleConfigBase, RuleHit
from kuzet.vision.track_state import TracksState


class WrongWayConfig(RuleConfigBase):
    type: Literal["wrong_way"] = Field(description="Rule kind")
    code: str = Field("wrong_way", description="Offense code reported")
    classes: list[str] = Field(
        default_factory=lambda: list(VEHICLE_CLASSES), description="COCO classes watched"
    )
    direction: tuple[float, float] = Field(description="Allowed direction (dx, dy) in the image, y down")
    tolerance_degrees: float = Field(
        45.0, gt=0, lt=90, description="Angle from the opposite direction that counts"
    )
    min_distance: float = Field(
        0.1, gt=0, le=1, description="Distance against the direction, fraction of frame height"
    )
    window_seconds: float = Field(4.0, gt=0, description="Time over which the movement is measured")
    rearm_seconds: float = Field(3.0, ge=0, description="Time out of the zone before a new incident")

    @field_validator("direction")
    @classmethod
    def _nonzero(cls, direction: tuple[float, float]) -> tuple[float, float]:
        if math.hypot(*direction) == 0:
            raise ValueError("the allowed direction must not be (0, 0)")
        return direction


class WrongWayRule(Rule[WrongWayConfig]):
    config_type = WrongWayConfig

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        c = self.config
        watched = self.watched(tracks)
        allowed = np.asarray(c.direction, np.float64) / math.hypot(*c.direction)
        moved, _ = tracks.displacement(c.window_seconds)
        along = moved @ allowed
        distance = np.hypot(*moved.T)
        against = (-along >= c.min_distance * self.env.frame_size[1]) & (
            -along >= math.cos(math.radians(c.tolerance_degrees)) * distance
        )
        self.rearm(tracks, watched, frame_time, c.rearm_seconds)
        return self.report_once(tracks, watched & against, frame_time, "moving against the allowed direction")
