"""One camera's analytics, frame by frame: motion gate → detector regions → detector → tracker → rules.

This is the wiring ``kuzet.sim.scenarios.run_scenario`` uses, packaged for real streams and files: keep
one ``AnalyticsPipeline`` per camera (the gate, the tracker and the rules hold per-stream state) and feed
it BGR frames in time order. ``TrackLog`` gathers, per track id, what a report about the objects needs:
their class, when they were first and last seen, and a thinned path of their feet.

>>> pipeline = AnalyticsPipeline(OpenCvHog(OpenCvHogConfig()), None, (768, 576))  # doctest: +SKIP
>>> output = pipeline.process(frame_bgr, timestamp=12.3)                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detections import COCO_CLASSES, Detections, box_anchor
from kuzet.vision.detectors.base import Detector
from kuzet.vision.motion import MotionGate, MotionSettings, RecheckSchedule, regions_for_detection
from kuzet.vision.rules.base import RuleHit
from kuzet.vision.rules.registry import RuleSet
from kuzet.vision.tracking import ByteTracker, TrackerSettings, in_frame
from kuzet.vision.zones import FrameSize

Frame = NDArray[np.uint8]
Regions = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """How the pipeline looks: gated by motion (the default) or the whole frame every time."""

    gated: bool = True
    recheck_every: int = 10  # frames between detector re-checks of each stationary track
    min_region: tuple[int, int] = (128, 128)  # smallest detector region (width, height), pixels
    motion: MotionSettings = field(default_factory=MotionSettings)
    tracker: TrackerSettings = field(default_factory=TrackerSettings)


@dataclass(frozen=True, slots=True)
class PipelineOutput:
    """One frame's result: the tracked detections (with ``tracker_id``) and the rules' hits."""

    tracked: Detections
    hits: list[RuleHit]


class AnalyticsPipeline:
    """Motion gate, detector, tracker and rules of one camera.

    The gate only learns the background on its first frame (and after a global change resets it), so
    those frames are searched whole: objects standing still from the start would otherwise never be
    found. ``rules`` may be ``None`` to track without rules.
    """

    def __init__(
        self,
        detector: Detector,
        rules: RuleSet | None,
        frame_size: FrameSize,
        settings: PipelineSettings | None = None,
    ) -> None:
        self.detector, self.rules, self.frame_size = detector, rules, frame_size
        self.settings = settings or PipelineSettings()
        self.gate = MotionGate(self.settings.motion)
        self.tracker = ByteTracker(self.settings.tracker, frame_size)
        self.schedule = RecheckSchedule(self.settings.recheck_every)
        self.frame_index = 0

    def process(self, frame_bgr: Frame, timestamp: float) -> PipelineOutput:
        """Run every step on one frame; ``timestamp`` in seconds (rules with schedules read it as epoch)."""
        regions = self.regions(frame_bgr)
        tracked = self.tracker.update(self.detect(frame_bgr, regions), timestamp, regions)
        hits = self.evaluate(timestamp, tracked, frame_bgr)
        self.frame_index += 1
        return PipelineOutput(tracked, hits)

    def detect(self, frame_bgr: Frame, regions: Regions | None) -> Detections:
        """The detector's findings in ``regions``; without a call when there is nowhere to look (no motion
        and no track due for a re-check): most frames of a quiet camera cost only the gate."""
        if regions is not None and not len(regions):
            return Detections.empty()
        return self.detector.detect(frame_bgr, regions)

    def regions(self, frame_bgr: Frame) -> Regions | None:
        """Where the detector looks this frame; ``None`` for the whole frame."""
        if not self.settings.gated:
            return None
        motion = self.gate.detect(frame_bgr)
        if self.frame_index == 0 or motion.recalibrated:
            return None
        state = self.tracker.state
        # A track predicted out of view is not looked for: a region clipped to the frame's edge would
        # search somewhere else, every frame until the track ends.
        in_view = in_frame(box_anchor(state.xyxy, "center"), self.frame_size)
        include = self.schedule.include(state.tracker_id, state.stationary, self.frame_index) & in_view
        return regions_for_detection(
            motion.boxes, state.xyxy, self.frame_size, self.settings.min_region, include_tracked=include
        )

    def evaluate(self, timestamp: float, tracked: Detections, frame_bgr: Frame) -> list[RuleHit]:
        if self.rules is None:
            return []
        return self.rules.evaluate(timestamp, tracked, self.tracker.state, frame_bgr)


@dataclass(slots=True)
class TrackRecord:
    """What was seen of one track: its class, when, and where its feet went ([t, x, y] rows)."""

    track_id: int
    class_name: str
    first_s: float
    last_s: float
    path: list[tuple[float, float, float]]
    last_point: tuple[float, float, float]

    def full_path(self) -> list[tuple[float, float, float]]:
        """The thinned path, always ending at the last point seen."""
        return self.path if self.path[-1] == self.last_point else [*self.path, self.last_point]


class TrackLog:
    """Accumulates tracked detections per track id; a point joins the path only once the anchor moved
    ``min_step`` pixels from the previous kept point (a standing person adds nothing)."""

    def __init__(self, class_names: Sequence[str] = COCO_CLASSES, min_step: float = 8.0) -> None:
        self.class_names, self.min_step = tuple(class_names), min_step
        self.records: dict[int, TrackRecord] = {}

    def add(self, tracked: Detections, timestamp: float) -> None:
        if tracked.tracker_id is None or not len(tracked):
            return
        anchors = tracked.anchor("bottom_center")
        for track_id, class_id, (x, y) in zip(
            tracked.tracker_id.tolist(), tracked.class_id.tolist(), anchors.tolist(), strict=True
        ):
            self._add_point(int(track_id), int(class_id), (timestamp, round(x, 1), round(y, 1)))

    def _add_point(self, track_id: int, class_id: int, point: tuple[float, float, float]) -> None:
        record = self.records.get(track_id)
        if record is None:
            self.records[track_id] = TrackRecord(
                track_id, self.class_name(class_id), point[0], point[0], [point], point
            )
            return
        record.last_s, record.last_point = point[0], point
        _, px, py = record.path[-1]
        if np.hypot(point[1] - px, point[2] - py) >= self.min_step:
            record.path.append(point)

    def class_name(self, class_id: int) -> str:
        if 0 <= class_id < len(self.class_names):
            return self.class_names[class_id]
        return f"class_{class_id}"

    def tracks(self) -> list[TrackRecord]:
        """Every track seen, by id."""
        return [self.records[k] for k in sorted(self.records)]
