"""Suspicious stash: one person stopping briefly at several different spots — the pattern of a drug
courier hiding packages ("закладки"), or someone casing cars.

A stop is a stationary period of ``min_stop_seconds``..``max_stop_seconds`` (longer is just waiting).
Stops count as different spots when at least ``min_spot_distance`` body heights apart. The rule fires
once per track when ``min_stops`` such spots fall within ``window_seconds``. Per-track bookkeeping runs
only on the frames where a track starts or ends a stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState


class SuspiciousStashConfig(RuleConfigBase):
    type: Literal["suspicious_stash"] = Field(description="Rule kind")
    code: str = Field("suspicious_stash", description="Offense code reported")
    min_stops: int = Field(3, ge=2, description="Short stops at distinct spots that make the pattern")
    min_stop_seconds: float = Field(3.0, gt=0, description="Shortest stop that counts")
    max_stop_seconds: float = Field(30.0, gt=0, description="Longest stop that counts (longer is waiting)")
    min_spot_distance: float = Field(1.0, gt=0, description="Distance between spots, in body heights")
    window_seconds: float = Field(300.0, gt=0, description="Time within which the stops must happen")

    @model_validator(mode="after")
    def _ordered(self) -> SuspiciousStashConfig:
        if self.min_stop_seconds >= self.max_stop_seconds:
            raise ValueError("min_stop_seconds must be smaller than max_stop_seconds")
        return self


@dataclass(frozen=True, slots=True)
class _Stop:
    start: float
    end: float
    x: float
    y: float
    height: float


class SuspiciousStashRule(Rule[SuspiciousStashConfig]):
    config_type = SuspiciousStashConfig

    def __init__(self, config: SuspiciousStashConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        self.open: dict[int, _Stop] = {}  # track id → the stop in progress
        self.stops: dict[int, list[_Stop]] = {}

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        watched = self.watched(tracks)
        open_ids = np.fromiter(self.open, np.int64, len(self.open))
        is_open = np.isin(tracks.tracker_id, open_ids)
        anchors = tracks.anchor()
        for row in np.flatnonzero(watched & tracks.stationary & ~is_open):
            since = tracks.stationary_since[row]
            x, y = anchors[row]
            self.open[int(tracks.tracker_id[row])] = _Stop(
                since, since, float(x), float(y), float(tracks.height[row])
            )
        hits = []
        for row in np.flatnonzero(tracks.visible & ~tracks.stationary & is_open):
            track_id = int(tracks.tracker_id[row])
            if self._close(track_id, frame_time) and track_id not in self.reported:
                self.reported.mark(tracks.tracker_id[row : row + 1])
                detail = f"{self.config.min_stops} short stops at different spots"
                hits.append(self.hit(tracks, np.array([row]), frame_time, detail))
        return hits

    def _close(self, track_id: int, now: float) -> bool:
        """End the open stop; True when the track now shows the pattern."""
        stop = self.open.pop(track_id)
        c = self.config
        if not c.min_stop_seconds <= now - stop.start <= c.max_stop_seconds:
            return False
        recent = [s for s in self.stops.get(track_id, []) if s.end >= now - c.window_seconds]
        recent.append(_Stop(stop.start, now, stop.x, stop.y, stop.height))
        self.stops[track_id] = recent
        return _distinct_spots(recent, c.min_spot_distance) >= c.min_stops

    def forget(self, ended: Ids) -> None:
        for track_id in ended.tolist():
            self.open.pop(track_id, None)
            self.stops.pop(track_id, None)

    def pause(self) -> None:
        self.open.clear()


def _distinct_spots(stops: list[_Stop], min_distance: float) -> int:
    """Greedy count of stops farther than ``min_distance`` body heights from every earlier spot."""
    xy = np.array([(s.x, s.y) for s in stops])
    scale = np.array([s.height for s in stops])
    gap = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    near = gap < min_distance * np.maximum(scale[:, None], scale[None, :])
    spots: list[int] = []
    for i in range(len(stops)):
        if not any(near[i, j] for j in spots):
            spots.append(i)
    return len(spots)
