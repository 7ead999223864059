"""Fight (heuristic): two or more people close together, all moving violently, for a while.

"Violent" is a motion energy per track: by default the tracker's box jitter (how much a box moves and
changes shape beyond what steady walking predicts); a caller with optical flow can supply its own in
``detections.data["motion_energy"]`` (same units: fraction of the body height per frame). This is a
heuristic that also fires on dancing or horseplay; plug a trained action classifier into the
``classifier`` rule where precision matters.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field
from scipy.sparse.csgraph import connected_components

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState

ENERGY_KEY = "motion_energy"


class FightConfig(RuleConfigBase):
    type: Literal["fight"] = Field(description="Rule kind")
    code: str = Field("fight", description="Offense code reported")
    min_people: int = Field(2, ge=2, description="People in the group")
    proximity: float = Field(
        1.0, gt=0, description="Distance between people, in body heights, that counts as close"
    )
    min_energy: float = Field(0.15, gt=0, description="Motion energy per person that counts as violent")
    min_seconds: float = Field(2.0, ge=0, description="How long the close, violent motion must last")


class FightRule(Rule[FightConfig]):
    config_type = FightConfig

    def __init__(self, config: FightConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.violent = DurationTimer(grace=0.5)

    def energy(self, detections: Detections, tracks: TracksState) -> NDArray[np.float64]:
        energy = tracks.jitter.astype(np.float64)
        supplied = detections.data.get(ENERGY_KEY)
        if supplied is not None and detections.tracker_id is not None:
            rows = tracks.index_of(detections.tracker_id)
            energy[rows[rows >= 0]] = supplied[rows >= 0]
        return energy

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        people = np.flatnonzero(self.watched(tracks))
        centre = tracks.anchor("center")[people]
        scale = tracks.height[people]
        gap = np.hypot(*(centre[:, None, :] - centre[None, :, :]).transpose(2, 0, 1))
        close = gap <= self.config.proximity * (scale[:, None] + scale[None, :]) / 2
        np.fill_diagonal(close, False)
        energetic = self.energy(detections, tracks)[people] >= self.config.min_energy
        pairs = close & energetic[:, None] & energetic[None, :]
        violent = np.zeros(len(tracks), np.bool_)
        violent[people] = pairs.any(axis=1)
        held = self.violent.update(tracks.tracker_id, violent, frame_time)
        ready = (held >= self.config.min_seconds)[people]
        if ready.sum() < self.config.min_people:
            return []
        _, group = connected_components(pairs & ready[:, None] & ready[None, :], directed=False)
        hits = []
        for label in np.unique(group[ready]):
            rows = people[ready & (group == label)]
            if len(rows) >= self.config.min_people and self.reported.fresh(tracks.tracker_id[rows]).any():
                self.reported.mark(tracks.tracker_id[rows])
                hits.append(self.hit(tracks, rows, frame_time, f"{len(rows)} people, heuristic"))
        return hits

    def forget(self, ended: Ids) -> None:
        self.violent.forget(ended)

    def pause(self) -> None:
        self.violent.clear()
