"""Illegal parking: a vehicle standing still in a no-parking zone for longer than allowed.

Stationary time counts from when the tracker saw the vehicle stop (back-dated over its stationary
window), but only within the rule's schedule (e.g. a loading bay that is no-parking 08:00-19:00).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from kuzet.vision.detections import VEHICLE_CLASSES, Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class IllegalParkingConfig(RuleConfigBase):
    type: Literal["illegal_parking"] = Field(description="Rule kind")
    code: str = Field("illegal_parking", description="Offense code reported")
    classes: list[str] = Field(
        default_factory=lambda: list(VEHICLE_CLASSES), description="Vehicle classes watched"
    )
    min_seconds: float = Field(120.0, gt=0, description="Standing time in the zone that counts as parking")
    grace_seconds: float = Field(
        5.0, ge=0, description="Gaps (occlusion by passing traffic) that are forgiven"
    )
    rearm_seconds: float = Field(
        10.0, ge=0, description="Time moving or away after which parking again is new"
    )


class IllegalParkingRule(Rule[IllegalParkingConfig]):
    config_type = IllegalParkingConfig
    needs_zone = True

    def __init__(self, config: IllegalParkingConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.parked = DurationTimer(grace=config.grace_seconds)
        self.active_since = -np.inf

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        if not np.isfinite(self.active_since):
            self.active_since = frame_time
        parked = self.watched(tracks) & tracks.stationary
        since = np.maximum(tracks.stationary_since, self.active_since)
        held = self.parked.update(tracks.tracker_id, parked, frame_time, since=since)
        self.rearm(tracks, parked, frame_time, self.config.rearm_seconds)
        due = parked & (held >= self.config.min_seconds)
        return self.report_once(tracks, due, frame_time, f"parked for {self.config.min_seconds:.0f} s")

    def forget(self, ended: Ids) -> None:
        self.parked.forget(ended)

    def pause(self) -> None:
        self.parked.clear()
        self.active_since = -np.inf
