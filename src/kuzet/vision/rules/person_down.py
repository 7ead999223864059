"""Person down: someone who was upright is now lying (box wider than tall) for a while — a fall, a
collapse, an assault victim. Only tracks first seen upright count, so a person already lying when the
camera starts, or a bench sleeper seen from the side, does not alarm at once.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import (
    DurationTimer,
    Frame,
    Ids,
    IncidentMemory,
    Rule,
    RuleConfigBase,
    RuleEnvironment,
    RuleHit,
)
from kuzet.vision.track_state import TracksState


class PersonDownConfig(RuleConfigBase):
    type: Literal["person_down"] = Field(description="Rule kind")
    code: str = Field("person_down", description="Offense code reported")
    lying_ratio: float = Field(1.2, gt=0, description="Box width/height at or above which a person is lying")
    upright_ratio: float = Field(
        0.8, gt=0, description="Box width/height at or below which a person is upright"
    )
    min_seconds: float = Field(5.0, ge=0, description="How long the person must stay down")
    rearm_seconds: float = Field(
        3.0, ge=0, description="Time up again after which a new fall is a new incident"
    )

    @model_validator(mode="after")
    def _ordered(self) -> PersonDownConfig:
        if self.upright_ratio >= self.lying_ratio:
            raise ValueError("upright_ratio must be smaller than lying_ratio")
        return self


class PersonDownRule(Rule[PersonDownConfig]):
    config_type = PersonDownConfig

    def __init__(self, config: PersonDownConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.down = DurationTimer(grace=1.0)
        self.seen_upright = IncidentMemory()

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        watched = self.watched(tracks)
        ratio = tracks.width / np.maximum(tracks.height, 1.0)
        self.seen_upright.mark(tracks.tracker_id[watched & (ratio <= self.config.upright_ratio)])
        lying = watched & (ratio >= self.config.lying_ratio) & ~self.seen_upright.fresh(tracks.tracker_id)
        held = self.down.update(tracks.tracker_id, lying, frame_time)
        self.rearm(tracks, lying, frame_time, self.config.rearm_seconds)
        due = lying & (held >= self.config.min_seconds)
        return self.report_once(tracks, due, frame_time, f"down for {self.config.min_seconds:.0f} s")

    def forget(self, ended: Ids) -> None:
        self.down.forget(ended)
        self.seen_upright.release(ended)

    def pause(self) -> None:
        self.down.clear()
