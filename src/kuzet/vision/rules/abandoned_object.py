"""Abandoned object: a bag or other small object left standing with nobody near it.

An object counts when it is stationary and no person's feet are within ``owner_radius`` body heights
of it; it is reported after ``min_seconds`` unattended. Bags are recognised by class (backpack, handbag,
suitcase); ``any_small_object`` also accepts any stationary small box of a class that is neither a
person nor a vehicle, for detectors that know no bag classes.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.vision.detections import BAG_CLASSES, PERSON_CLASSES, VEHICLE_CLASSES, Detections, class_ids_of
from kuzet.vision.rules.base import DurationTimer, Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState

_PEOPLE = class_ids_of(PERSON_CLASSES)
_NOT_OBJECTS = class_ids_of(PERSON_CLASSES + VEHICLE_CLASSES)


class AbandonedObjectConfig(RuleConfigBase):
    type: Literal["abandoned_object"] = Field(description="Rule kind")
    code: str = Field("abandoned_object", description="Offense code reported")
    classes: list[str] = Field(
        default_factory=lambda: list(BAG_CLASSES), description="Object classes watched"
    )
    any_small_object: bool = Field(
        False, description="Also watch any stationary small non-person, non-vehicle box"
    )
    max_size: float = Field(
        0.2, gt=0, le=1, description="Largest 'small object' height, fraction of frame height"
    )
    owner_radius: float = Field(
        1.5, gt=0, description="Distance in the person's body heights that counts as attended"
    )
    min_seconds: float = Field(30.0, gt=0, description="Unattended time before the object is reported")
    grace_seconds: float = Field(
        2.0, ge=0, description="Brief gaps (a passer-by, an occlusion) that are forgiven"
    )


class AbandonedObjectRule(Rule[AbandonedObjectConfig]):
    config_type = AbandonedObjectConfig

    def __init__(self, config: AbandonedObjectConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.unattended = DurationTimer(grace=config.grace_seconds)

    def objects(self, tracks: TracksState) -> NDArray[np.bool_]:
        small = tracks.height <= self.config.max_size * self.env.frame_size[1]
        other = self.config.any_small_object & small & ~np.isin(tracks.class_id, _NOT_OBJECTS)
        candidates = np.isin(tracks.class_id, self.class_ids) | other
        if self.zone is not None:
            candidates &= self.zone.contains(tracks.anchor(self.zone.anchor))
        return np.asarray(tracks.visible & tracks.stationary & candidates)

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        objects = self.objects(tracks)
        people = np.flatnonzero(tracks.visible & np.isin(tracks.class_id, _PEOPLE))
        anchors = tracks.anchor()
        gap = np.hypot(*(anchors[:, None, :] - anchors[None, people, :]).transpose(2, 0, 1))
        attended = (gap <= self.config.owner_radius * tracks.height[people][None, :]).any(axis=1)
        alone = objects & ~attended
        held = self.unattended.update(tracks.tracker_id, alone, frame_time)
        due = alone & (held >= self.config.min_seconds)
        return self.report_once(tracks, due, frame_time, f"unattended for {self.config.min_seconds:.0f} s")

    def forget(self, ended: Ids) -> None:
        self.unattended.forget(ended)

    def pause(self) -> None:
        self.unattended.clear()
