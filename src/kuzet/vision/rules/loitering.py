"""Loitering: a person staying in a zone (ATM hall, school gate, shop back door) for too long.

Dwell time is kept per track and survives short gaps (``grace_seconds``: an occlusion, a step outside),
so a person pacing along the zone's edge is still one dwell; one hit per stay.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class LoiteringConfig(RuleConfigBase):
    type: Literal["loitering"] = Field(description="Rule kind")
    code: str = Field("loitering", description="Offense code reported")
    min_seconds: float = Field(60.0, gt=0, description="Dwell time in the zone that counts as loitering")
    grace_seconds: float = Field(
        3.0, ge=0, description="Gap (out of zone or unseen) that does not end a dwell"
    )


class LoiteringRule(Rule[LoiteringConfig]):
    config_type = LoiteringConfig
    needs_zone = True

    def __init__(self, config: LoiteringConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.dwell = DurationTimer(grace=config.grace_seconds)

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        inside = self.watched(tracks)
        dwell = self.dwell.update(tracks.tracker_id, inside, frame_time)
        self.rearm(tracks, inside, frame_time, self.config.grace_seconds)
        due = inside & (dwell >= self.config.min_seconds)
        return self.report_once(
            tracks, due, frame_time, f"stayed {self.config.min_seconds:.0f} s in the zone"
        )

    def forget(self, ended: Ids) -> None:
        self.dwell.forget(ended)

    def pause(self) -> None:
        self.dwell.clear()
