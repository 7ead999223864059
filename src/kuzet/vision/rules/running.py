"""Running: an object moving faster than walking pace (a bag snatch, a pursuit, a fleeing suspect).

With a ground calibration the speed is in metres per second; without one it is in body heights per
second, which is roughly independent of the distance to the camera (walking ≈ 0.8 h/s, running ≥ 2 h/s).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class RunningConfig(RuleConfigBase):
    type: Literal["running"] = Field(description="Rule kind")
    code: str = Field("bag_snatch", description="Offense code reported")
    min_speed_mps: float = Field(
        3.0, gt=0, description="Ground speed that counts as running (with calibration)"
    )
    min_heights_per_second: float = Field(
        1.8, gt=0, description="Speed in body heights/s without calibration"
    )
    window_seconds: float = Field(1.0, gt=0, description="Time over which the speed is measured")
    min_seconds: float = Field(0.5, ge=0, description="How long the speed must be kept")
    rearm_seconds: float = Field(
        5.0, ge=0, description="Slower movement after which a new run is a new incident"
    )


class RunningRule(Rule[RunningConfig]):
    config_type = RunningConfig

    def __init__(self, config: RunningConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.fast = DurationTimer(grace=config.window_seconds / 2)

    def speeds(self, tracks: TracksState) -> tuple[NDArray[np.float64], str]:
        start, end, elapsed = tracks.window(self.config.window_seconds)
        enough = elapsed >= self.config.window_seconds / 2
        if self.env.calibration is not None:
            speed = self.env.calibration.speeds(start, end, elapsed)
            return np.where(enough, speed / self.config.min_speed_mps, 0.0), "m/s"
        pixels = np.hypot(*(end - start).T) / np.maximum(elapsed, 1e-6)
        relative = pixels / np.maximum(tracks.height, 1.0)
        return np.where(enough, relative / self.config.min_heights_per_second, 0.0), "h/s"

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        ratio, unit = self.speeds(tracks)  # speed as a multiple of the threshold
        running = self.watched(tracks) & (ratio >= 1.0)
        held = self.fast.update(tracks.tracker_id, running, frame_time)
        self.rearm(tracks, running, frame_time, self.config.rearm_seconds)
        due = running & (held >= self.config.min_seconds)
        threshold = self.config.min_speed_mps if unit == "m/s" else self.config.min_heights_per_second
        hits = []
        for row in np.flatnonzero(due & self.reported.fresh(tracks.tracker_id)):
            hits.append(self.hit(tracks, np.array([row]), frame_time, f"{ratio[row] * threshold:.1f} {unit}"))
        self.reported.mark(tracks.tracker_id[due])
        return hits

    def forget(self, ended: Ids) -> None:
        self.fast.forget(ended)
