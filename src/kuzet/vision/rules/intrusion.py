"""Intrusion: an object of the watched classes inside a forbidden zone (fence line, roof, rail track).

One hit per entry: a track that leaves the zone for ``rearm_seconds`` and comes back is a new incident.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class IntrusionConfig(RuleConfigBase):
    type: Literal["intrusion"] = Field(description="Rule kind")
    code: str = Field("intrusion", description="Offense code reported")
    min_seconds: float = Field(
        0.0, ge=0, description="Time inside before it counts (filters boundary jitter)"
    )
    rearm_seconds: float = Field(
        2.0, ge=0, description="Time outside after which a new entry is a new incident"
    )


class IntrusionRule(Rule[IntrusionConfig]):
    config_type = IntrusionConfig
    needs_zone = True

    def __init__(self, config: IntrusionConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.inside = DurationTimer()

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        inside = self.watched(tracks)
        held = self.inside.update(tracks.tracker_id, inside, frame_time)
        self.rearm(tracks, inside, frame_time, self.config.rearm_seconds)
        return self.report_once(
            tracks, inside & (held >= self.config.min_seconds), frame_time, "entered the zone"
        )

    def forget(self, ended: Ids) -> None:
        self.inside.forget(ended)

    def pause(self) -> None:
        self.inside.clear()
