"""Line crossing: objects crossing a directed line (entrance counting, one-way passages).

Every crossing in the configured direction is its own incident; the line remembers each track's side, so
a track must cross back before it can cross the same way again. Counts in both directions are kept.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import Frame, Ids, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.track_state import TracksState
from kuzet.vision.zones import LineZone


class LineCrossingConfig(RuleConfigBase):
    type: Literal["line_crossing"] = Field(description="Rule kind")
    zone: str = Field(description="Line zone to watch (kind: line)")
    code: str = Field("intrusion", description="Offense code reported")
    direction: Literal["in", "out", "both"] = Field(
        "both",
        description="Which crossings count: 'in' is left-to-right looking from the line's start to its end",
    )


class LineCrossingRule(Rule[LineCrossingConfig]):
    config_type = LineCrossingConfig
    watches_line = True

    def __init__(self, config: LineCrossingConfig, env: RuleEnvironment) -> None:
        super().__init__(config, env)
        line = self.zone_object()
        if not isinstance(line, LineZone):
            raise ValueError(f"rules.{config.id}.zone: {config.zone!r} is a polygon; this rule needs a line")
        self.line = line.fresh()

    @property
    def in_count(self) -> int:
        return self.line.in_count

    @property
    def out_count(self) -> int:
        return self.line.out_count

    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]:
        watched = detections[detections.of_classes(self.class_ids)]
        crossed_in, crossed_out = self.line.trigger(watched)
        if watched.tracker_id is None or not (crossed_in.any() or crossed_out.any()):
            return []
        hits = []
        for mask, direction in ((crossed_in, "in"), (crossed_out, "out")):
            if self.config.direction not in (direction, "both"):
                continue
            rows = tracks.index_of(watched.tracker_id[mask])
            rows = rows[rows >= 0]
            hits += [
                self.hit(tracks, rows[i : i + 1], frame_time, f"crossed {direction}")
                for i in range(len(rows))
            ]
        return hits

    def forget(self, ended: Ids) -> None:
        self.line.forget(ended)

    def pause(self) -> None:
        self.line.clear()
