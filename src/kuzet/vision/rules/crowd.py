"""Crowd: at least N people in a zone for at least T seconds (unsanctioned gathering, a crush forming).

The incident belongs to the zone, not to a track: one hit when the crowd has lasted T, the next only
after the count stayed below N for ``grace_seconds``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState

_ZONE_KEY = np.zeros(1, np.int64)  # the zone's own row in the timers


class CrowdConfig(RuleConfigBase):
    type: Literal["crowd"] = Field(description="Rule kind")
    code: str = Field("crowd", description="Offense code reported")
    min_people: int = Field(10, ge=2, description="People in the zone that count as a crowd")
    min_seconds: float = Field(5.0, ge=0, description="How long the crowd must last")
    grace_seconds: float = Field(2.0, ge=0, description="Dips below the count shorter than this are ignored")


class CrowdRule(Rule[CrowdConfig]):
    config_type = CrowdConfig
    needs_zone = True

    def __init__(self, config: CrowdConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.crowded = DurationTimer(grace=config.grace_seconds)
        self.sparse = DurationTimer()
        self.reported_crowd = False

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        inside = self.watched(tracks)
        count = int(inside.sum())
        crowded = np.array([count >= self.config.min_people])
        lasted = float(self.crowded.update(_ZONE_KEY, crowded, frame_time)[0])
        if float(self.sparse.update(_ZONE_KEY, ~crowded, frame_time)[0]) >= self.config.grace_seconds:
            self.reported_crowd = False
        if not crowded[0] or lasted < self.config.min_seconds or self.reported_crowd:
            return []
        self.reported_crowd = True
        return [self.hit(tracks, np.flatnonzero(inside), frame_time, f"{count} people for {lasted:.0f} s")]

    def pause(self) -> None:
        self.crowded.clear()
        self.reported_crowd = False
