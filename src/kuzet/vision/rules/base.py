"""What every offense rule shares: config base, hits, time keeping, and one report per incident.

A rule turns tracked objects into ``RuleHit``s (offense code, tracks, box, time). Each rule is one module
(a plug-in) with a pydantic config carrying ``type: Literal[...]``; ``registry.py`` gathers them into the
discriminated union the site file validates against (this module cannot: the plug-ins import it).

Rules are evaluated at detector rate, so per-track bookkeeping lives in columnar tables keyed by sorted
tracker ids (``DurationTimer``, ``IncidentMemory``) and is updated with whole-array operations.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import ClassVar, Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kuzet.domain.offenses import OffenseTaxonomy
from kuzet.vision.detections import Detections, class_id_of, class_ids_of
from kuzet.vision.track_state import TracksState
from kuzet.vision.zones import FrameSize, GroundCalibration, LineZone, PolygonZone, Schedule

Frame = NDArray[np.uint8]
PRESENCE_GRACE = 0.5  # seconds
Ids = NDArray[np.int64]


class Classified(Protocol):
    """What a classifier returns: one row of class probabilities per box, [N, C] float32."""

    @property
    def probabilities(self) -> NDArray[np.float32]: ...


class CropClassifier(Protocol):
    """A model slot that classifies the crops of ``boxes`` [N, 4] in a BGR frame.

    ``kuzet.vision.detectors.classifier.ImageClassifier`` (the ONNX classifier slot) fits as it is.
    """

    def classify(self, image_bgr: Frame, boxes: NDArray[np.float32]) -> Classified: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleHit:
    """One incident a rule saw: the offense, who, where in the image, when, and how sure."""

    rule_id: str
    code: str
    time: float  # frame time, seconds since the epoch
    confidence: float
    track_ids: tuple[int, ...]
    bbox: tuple[float, float, float, float]  # x1, y1, x2, y2 pixels; the union of the tracks' boxes
    zone: str | None = None
    detail: str = ""  # what a human reads: "dwelled 63 s", "3.9 m/s"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleEnvironment:
    """What rules of one camera need besides their config: the frame size, its zones, its calibration."""

    frame_size: FrameSize
    zones: Mapping[str, PolygonZone | LineZone] = field(default_factory=dict)
    calibration: GroundCalibration | None = None
    timezone: tzinfo = UTC
    classifiers: Mapping[str, CropClassifier] = field(default_factory=dict)


class RuleConfigBase(BaseModel):
    """Fields every rule has; subclasses add ``type: Literal[...]`` and their thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Rule id, unique per camera")
    zone: str | None = Field(None, description="Zone (or line) the rule watches; none means the whole frame")
    camera: str | None = Field(None, description="Camera the rule runs on; defaults to its zone's camera")
    schedule: str | None = Field(
        None, description="Daily windows when active, e.g. '22:00-06:00'; none: always"
    )
    days: str = Field("mon-sun", description="Weekdays the schedule applies to, e.g. 'mon-fri' or 'sat,sun'")
    classes: list[str] = Field(
        default_factory=lambda: ["person"], description="COCO classes the rule watches"
    )
    code: str = Field(description="Offense code reported (DOMAIN.md taxonomy)")

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code not in OffenseTaxonomy.default():
            raise ValueError(f"unknown offense code {code!r}")
        return code

    @field_validator("classes")
    @classmethod
    def _known_classes(cls, classes: list[str]) -> list[str]:
        for name in classes:
            class_id_of(name)
        if not classes:
            raise ValueError("name at least one object class")
        return classes

    @model_validator(mode="after")
    def _valid_schedule(self) -> RuleConfigBase:
        if self.schedule is not None:
            Schedule.parse(self.schedule, self.days)
        elif self.days != "mon-sun":
            raise ValueError("days without a schedule: give a schedule such as '00:00-24:00'")
        return self


def _lookup(table: Ids, ids: Ids) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Positions of ``ids`` in the sorted ``table`` and whether each was found."""
    if not len(table):
        return np.zeros(len(ids), np.intp), np.zeros(len(ids), np.bool_)
    pos = np.searchsorted(table, ids).clip(0, len(table) - 1)
    return pos, table[pos] == ids


class DurationTimer:
    """How long a condition has held per track, forgiving gaps up to ``grace`` seconds (occlusion,
    a step outside the zone). Tracks not passed in an update count as a gap."""

    def __init__(self, grace: float = 0.0) -> None:
        self.grace = grace
        self._ids: Ids = np.empty(0, np.int64)
        self._since = np.empty(0)
        self._last = np.empty(0)

    def update(
        self, ids: Ids, condition: NDArray[np.bool_], now: float, since: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        """Seconds each of ``ids`` has met the condition (0 where it does not); ``since`` back-dates the
        start of newly met conditions (e.g. to when an object became stationary)."""
        pos, found = _lookup(self._ids, ids)
        start = np.full(len(ids), now) if since is None else np.where(np.isnan(since), now, since)
        old_since = np.where(found, self._since[pos] if len(self._ids) else now, start)
        last = np.where(found, self._last[pos] if len(self._ids) else now, -np.inf)
        holding = condition | (found & (now - last <= self.grace))
        new_last = np.where(condition, now, last)
        untouched = ~np.isin(self._ids, ids) & (now - self._last <= self.grace)
        table_ids = np.concatenate([ids[holding], self._ids[untouched]])
        order = np.argsort(table_ids)
        self._ids = table_ids[order]
        self._since = np.concatenate([old_since[holding], self._since[untouched]])[order]
        self._last = np.concatenate([new_last[holding], self._last[untouched]])[order]
        return np.where(condition, now - old_since, 0.0)

    def forget(self, ids: Ids) -> None:
        keep = ~np.isin(self._ids, ids)
        self._ids, self._since, self._last = self._ids[keep], self._since[keep], self._last[keep]

    def clear(self) -> None:
        self.forget(self._ids)


class IncidentMemory:
    """The tracks a rule already reported: one hit per incident, until the track leaves or ends."""

    def __init__(self) -> None:
        self._ids: Ids = np.empty(0, np.int64)

    def fresh(self, ids: Ids) -> NDArray[np.bool_]:
        return ~np.isin(ids, self._ids)

    def mark(self, ids: Ids) -> None:
        self._ids = np.union1d(self._ids, ids).astype(np.int64)

    def release(self, ids: Ids) -> None:
        self._ids = np.setdiff1d(self._ids, ids).astype(np.int64)

    def __contains__(self, track_id: object) -> bool:
        return bool(np.isin(np.asarray([track_id]), self._ids)[0])


C = TypeVar("C", bound=RuleConfigBase)


class Rule(ABC, Generic[C]):
    """A configured rule on one camera; keep one instance per stream (it holds per-track state)."""

    config_type: ClassVar[type[RuleConfigBase]]
    needs_zone: ClassVar[bool] = False  # a polygon zone is required
    watches_line: ClassVar[bool] = False  # the zone is a line, handled by the rule itself

    def __init__(self, config: C, env: RuleEnvironment) -> None:
        self.config, self.env = config, env
        self.class_ids = class_ids_of(config.classes)
        self.schedule = Schedule.parse(config.schedule, config.days) if config.schedule else None
        self.zone = self._polygon() if config.zone is not None and not self.watches_line else None
        if self.needs_zone and self.zone is None:
            raise ValueError(f"rules.{config.id}.zone: this rule needs a polygon zone")
        self.reported = IncidentMemory()
        self._away = DurationTimer()

    def evaluate(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None = None
    ) -> list[RuleHit]:
        """Hits for this frame; ``detections`` are the tracker's output, ``frame`` the image (optional)."""
        self.reported.release(tracks.ended)
        self._away.forget(tracks.ended)
        self.forget(tracks.ended)
        if not self.active(frame_time):
            self.pause()
            return []
        return self.check(frame_time, detections, tracks, frame)

    @abstractmethod
    def check(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None
    ) -> list[RuleHit]: ...

    def forget(self, ended: Ids) -> None:
        """Drop per-track state of ended tracks (rules with timers override)."""

    def pause(self) -> None:
        """Called instead of ``check`` outside the schedule (rules with timers reset them)."""

    def active(self, frame_time: float) -> bool:
        return self.schedule is None or self.schedule.active(
            datetime.fromtimestamp(frame_time, self.env.timezone)
        )

    def watched(self, tracks: TracksState) -> NDArray[np.bool_]:
        """Present tracks of the configured classes inside the zone (anywhere without one); a track
        missed for up to ``PRESENCE_GRACE`` seconds still counts (a detector misses odd frames)."""
        mask = tracks.present(PRESENCE_GRACE) & np.isin(tracks.class_id, self.class_ids)
        if self.zone is not None:
            mask &= self.zone.contains(tracks.anchor(self.zone.anchor))
        return mask

    def rearm(self, tracks: TracksState, engaged: NDArray[np.bool_], now: float, after: float) -> None:
        """Let reported tracks report again once visibly not ``engaged`` (out of the zone, not running…)
        for ``after`` seconds: that closes their incident. Lost tracks do not count as away."""
        away = tracks.visible & ~engaged
        held = self._away.update(tracks.tracker_id, away, now)
        self.reported.release(tracks.tracker_id[away & (held >= after)])

    def hit(
        self,
        tracks: TracksState,
        rows: NDArray[np.intp],
        time: float,
        detail: str = "",
        confidence: float | None = None,
    ) -> RuleHit:
        boxes = tracks.xyxy[rows]
        lo, hi = boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)
        return RuleHit(
            rule_id=self.config.id,
            code=self.config.code,
            time=time,
            confidence=float(tracks.confidence[rows].mean()) if confidence is None else confidence,
            track_ids=tuple(int(i) for i in tracks.tracker_id[rows]),
            bbox=(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])),
            zone=self.config.zone,
            detail=detail,
        )

    def report_once(
        self, tracks: TracksState, due: NDArray[np.bool_], time: float, detail: str = ""
    ) -> list[RuleHit]:
        """One hit per due track not yet reported; marks them reported."""
        rows = np.flatnonzero(due & self.reported.fresh(tracks.tracker_id))
        self.reported.mark(tracks.tracker_id[rows])
        return [self.hit(tracks, rows[i : i + 1], time, detail) for i in range(len(rows))]

    def _polygon(self) -> PolygonZone:
        zone = self.zone_object()
        if not isinstance(zone, PolygonZone):
            raise ValueError(
                f"rules.{self.config.id}.zone: {self.config.zone!r} is a line; this rule needs a polygon"
            )
        return zone

    def zone_object(self) -> PolygonZone | LineZone:
        try:
            return self.env.zones[str(self.config.zone)]
        except KeyError:
            raise ValueError(f"rules.{self.config.id}.zone: unknown zone {self.config.zone!r}") from None
