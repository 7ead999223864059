"""Camera health from the frames themselves: one state machine per camera, with hysteresis.

A worker calls ``evaluate`` on the frames it analyses (a few per second is plenty) and ``tick`` on a
timer; both return a ``HealthChange`` when the camera's reported condition changes, else ``None``.

Each frame is measured once (``health_checks``) and judged against absolute limits (covered, too dark,
frozen) and against the camera's own learned baselines (focus, view), because what is sharp or normal
differs from camera to camera. Baselines come from the first healthy frames and then follow slow drift
(dusk, dirt) only while the picture is healthy, so a fault is never learned as normal. Some measures
cannot be trusted while another fault holds (a covered lens also looks frozen, dark and blurred), so the
stronger condition masks the weaker ones before hysteresis: a condition is entered only after it held
for ``enter_evaluations`` frames *and* ``enter_seconds``, and cleared only after the same for its absence.

>>> monitor = CameraHealthMonitor("st-001")
>>> change = monitor.evaluate(frame, timestamp)        # doctest: +SKIP
>>> if change: bus.publish(change.to_event())          # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from kuzet.domain.fleet.health import HealthChange, HealthCondition, HealthReading
from kuzet.vision import health_checks as checks
from kuzet.vision.health_checks import (
    CoveredConfig,
    DefocusConfig,
    FrozenConfig,
    MovedConfig,
    StrictConfig,
    TooDarkConfig,
)

C = HealthCondition
_FRAME_CONDITIONS = (C.COVERED, C.FROZEN, C.MOVED, C.DEFOCUSED, C.TOO_DARK)
# What each condition hides: its presence makes these measures meaningless on the same frame.
_MASKS: dict[HealthCondition, frozenset[HealthCondition]] = {
    C.COVERED: frozenset({C.FROZEN, C.TOO_DARK, C.DEFOCUSED, C.MOVED}),
    C.TOO_DARK: frozenset({C.DEFOCUSED, C.MOVED}),
    C.DEFOCUSED: frozenset({C.MOVED}),
}


_ALIGNED_SHIFT = 0.005  # share of the width under which a frame is 'where the reference is'
_CLOCK_EPSILON = 1e-6  # seconds; 10.2 - 6.2 < 4.0 in floating point must still count as 4 s
_EDGE_REFRESH = 10  # reference blends between two recomputations of its edge map


class HysteresisConfig(StrictConfig):
    enter_evaluations: int = Field(5, ge=1, description="Consecutive frames a condition must show to enter")
    enter_seconds: float = Field(2.0, ge=0, description="...and for at least this long, seconds")
    clear_evaluations: int = Field(5, ge=1, description="Consecutive frames without it before it is cleared")
    clear_seconds: float = Field(2.0, ge=0, description="...and for at least this long, seconds")


class LearningConfig(StrictConfig):
    reference_frames: int = Field(8, ge=3, description="Healthy frames the reference view is the median of")
    reference_interval_s: float = Field(0.5, ge=0, description="Least time between two reference frames")
    baseline_rate: float = Field(0.01, ge=0, le=1, description="Per-frame weight of the focus/similarity EMA")
    reference_rate: float = Field(0.002, ge=0, le=1, description="Per-frame weight of the reference view EMA")


class CameraHealthConfig(StrictConfig):
    """Thresholds of the health checks; the defaults suit fixed street cameras evaluated at 2-10 fps."""

    analysis_width: int = Field(320, ge=64, description="Width frames are shrunk to before any check, pixels")
    offline_after_s: float = Field(10.0, gt=0, description="No frame for this long = offline, seconds")
    hysteresis: HysteresisConfig = Field(default_factory=HysteresisConfig, description="Enter/clear rules")
    frozen: FrozenConfig = Field(default_factory=FrozenConfig, description="Frozen picture")
    covered: CoveredConfig = Field(default_factory=CoveredConfig, description="Covered or blacked-out lens")
    too_dark: TooDarkConfig = Field(default_factory=TooDarkConfig, description="Too dark to see")
    defocus: DefocusConfig = Field(default_factory=DefocusConfig, description="Out of focus")
    moved: MovedConfig = Field(default_factory=MovedConfig, description="View moved from its reference")
    learning: LearningConfig = Field(default_factory=LearningConfig, description="Self-calibration")


@dataclass(frozen=True, slots=True)
class CameraBaseline:
    """What is normal for this camera: its reference view (coarse gray) and usual sharpness/similarity."""

    reference: checks.FloatImage
    reference_edges: checks.FloatImage
    window: checks.FloatImage
    sharpness: float
    similarity: float
    featureless: float


class BaselineLearner:
    """Learns a camera's baseline from its first healthy frames, then follows slow drift while healthy."""

    def __init__(self, config: LearningConfig, frozen: FrozenConfig) -> None:
        self.config, self._frozen = config, frozen
        self.baseline: CameraBaseline | None = None
        self._frames: list[checks.AnalysisFrame] = []
        self._featureless: list[float] = []
        self._last_at = 0.0
        self._blends = 0
        self._pairs = 0
        self._activity = 0.0

    @property
    def activity(self) -> float:
        """Share of frames in which the scene changes; 0 until enough pairs were seen to say."""
        return self._activity if self._pairs >= self.config.reference_frames else 0.0

    def reset(self) -> None:
        self.baseline, self._frames, self._featureless = None, [], []

    def observe(
        self, frame: checks.AnalysisFrame, reading: HealthReading, condition: HealthCondition
    ) -> None:
        if (
            reading.changed_fraction is not None
            and condition is not C.FROZEN
            and not reading.raw - {C.FROZEN}
        ):
            self._pairs += 1
            changed = reading.changed_fraction >= self._frozen.max_changed_fraction
            rate = max(1 / self._pairs, self.config.baseline_rate)
            self._activity += rate * (float(changed) - self._activity)
        if self.baseline is not None and self.baseline.reference.shape != frame.coarse.shape:
            self.reset()  # the stream changed resolution: what was learned no longer applies
        if reading.raw or condition is not C.OK:
            return  # never learn a fault (or a frame on its way into one) as normal
        if self.baseline is None:
            self._collect(frame, reading)
        else:
            self.baseline = self._follow(self.baseline, frame, reading)

    def _collect(self, frame: checks.AnalysisFrame, reading: HealthReading) -> None:
        if self._frames and self._frames[0].coarse.shape != frame.coarse.shape:
            self._frames, self._featureless = [], []  # the stream changed resolution: start again
        if self._frames and reading.timestamp - self._last_at < self.config.reference_interval_s:
            return
        self._frames.append(frame)
        self._featureless.append(reading.featureless_fraction)
        self._last_at = reading.timestamp
        if len(self._frames) < self.config.reference_frames:
            return
        # The median of frames spread over seconds is the scene without the people walking through it.
        reference = np.median(np.stack([f.coarse for f in self._frames]), axis=0).astype(np.float32)
        edges = checks.edge_map(reference)
        similarity = np.median(
            [checks.edge_similarity(edges, checks.edge_map(f.coarse)) for f in self._frames]
        )
        sharpness = np.median([checks.sharpness(f.fine) for f in self._frames])
        featureless = float(np.median(self._featureless))
        self._frames, self._featureless = [], []
        if sharpness <= 0 or similarity <= 0:
            return  # a flat picture has no view to learn; try again
        window = checks.hann_window(reference.shape[:2])
        self.baseline = CameraBaseline(
            reference, edges, window, float(sharpness), float(similarity), featureless
        )

    def _follow(
        self, base: CameraBaseline, frame: checks.AnalysisFrame, reading: HealthReading
    ) -> CameraBaseline:
        rate = self.config.baseline_rate
        sharpness, similarity = reading.sharpness_ratio or 1.0, reading.view_similarity_ratio or 1.0
        reference, edges = base.reference, base.reference_edges
        # Blend only frames that sit where the reference does: follows dusk, dirt and seasons, not a move.
        if (reading.view_shift or 0.0) < _ALIGNED_SHIFT:
            reference = reference + self.config.reference_rate * (frame.coarse - reference)
            self._blends += 1
            if self._blends % _EDGE_REFRESH == 0:  # edges drift far slower than they cost to recompute
                edges = checks.edge_map(reference)
        return replace(
            base,
            reference=reference,
            reference_edges=edges,
            sharpness=base.sharpness * (1 + rate * (sharpness - 1)),
            similarity=base.similarity * (1 + rate * (similarity - 1)),
            featureless=base.featureless + rate * (reading.featureless_fraction - base.featureless),
        )


@dataclass(slots=True)
class _Hysteresis:
    """One condition's debounced state: a run of contrary evidence must last before the state flips."""

    active: bool = False
    changed_at: float = 0.0
    run_start: float | None = None
    run_count: int = 0

    def update(self, present: bool, now: float, evaluations: int, seconds: float) -> bool:
        """Feed one frame's evidence; True when the state flipped."""
        if present == self.active:
            self.run_start, self.run_count = None, 0
            return False
        if self.run_start is None:
            self.run_start = now
        self.run_count += 1
        if self.run_count < evaluations or now - self.run_start < seconds - _CLOCK_EPSILON:
            return False
        self.active, self.changed_at = present, self.run_start
        self.run_start, self.run_count = None, 0
        return True


@dataclass(slots=True)
class _Offline:
    since: float | None = None
    last_frame_at: float | None = None
    watching_since: float | None = None


@dataclass(slots=True)
class _State:
    states: dict[HealthCondition, _Hysteresis] = field(
        default_factory=lambda: {c: _Hysteresis() for c in _FRAME_CONDITIONS}
    )
    previous: checks.AnalysisFrame | None = None
    condition: HealthCondition = C.OK


class CameraHealthMonitor:
    """The health state machine of one camera; keep one per stream (it holds the learned baselines).

    Timestamps are seconds on one clock per camera (POSIX time lets ``HealthChange.to_event`` date them).
    """

    def __init__(self, camera_id: str, config: CameraHealthConfig | None = None) -> None:
        self.camera_id = camera_id
        self.config = config or CameraHealthConfig()
        self._learner = BaselineLearner(self.config.learning, self.config.frozen)
        self._state = _State()
        self._offline = _Offline()
        self._reading: HealthReading | None = None

    @property
    def condition(self) -> HealthCondition:
        """The condition reported now (the highest-ranked active one, ``ok`` if none)."""
        return self._state.condition

    @property
    def active(self) -> frozenset[HealthCondition]:
        """Every condition that holds now, including those the reported one outranks."""
        held = {c for c, s in self._state.states.items() if s.active}
        return frozenset(held | ({C.OFFLINE} if self._offline.since is not None else set()))

    @property
    def last_reading(self) -> HealthReading | None:
        return self._reading

    @property
    def baseline(self) -> CameraBaseline | None:
        """The learned reference view and baselines, ``None`` while still learning."""
        return self._learner.baseline

    def rereference(self) -> None:
        """Forget the reference view and baselines and learn them again from the next healthy frames.

        Call it after the camera was deliberately re-aimed or refocused (and an operator confirmed it).
        """
        self._learner.reset()
        for condition in (C.MOVED, C.DEFOCUSED):
            self._state.states[condition] = _Hysteresis()

    def tick(self, now: float) -> HealthChange | None:
        """Check for silence: no frame for ``offline_after_s`` makes the camera offline."""
        offline = self._offline
        if offline.watching_since is None:
            offline.watching_since = now
        last = offline.last_frame_at if offline.last_frame_at is not None else offline.watching_since
        if offline.since is not None or now - last < self.config.offline_after_s:
            return None
        offline.since = last
        self._state.previous = None  # the next frame must not be compared with one from before the gap
        return self._report(last, None, f"no frame for {now - last:.0f} s")

    def evaluate(self, frame: NDArray[np.uint8], timestamp: float) -> HealthChange | None:
        """Measure one BGR frame, update the hysteresis, and return the change of condition if any."""
        self._offline.last_frame_at = timestamp
        frame_data = checks.analysis_frame(frame, self.config.analysis_width)
        reading = self._measure(frame_data, timestamp)
        self._reading = reading
        self._learner.observe(frame_data, reading, self.condition)
        self._state.previous = frame_data
        hysteresis = self.config.hysteresis
        for condition, state in self._state.states.items():
            enter_s = hysteresis.enter_seconds
            if condition is C.FROZEN:
                enter_s = max(enter_s, self.config.frozen.hold_seconds)
            if state.active:
                limits = hysteresis.clear_evaluations, hysteresis.clear_seconds
            else:
                limits = hysteresis.enter_evaluations, enter_s
            state.update(condition in reading.raw, timestamp, *limits)
        self._offline.since = None
        return self._report(timestamp, reading)

    def _measure(self, frame: checks.AnalysisFrame, timestamp: float) -> HealthReading:
        config, baseline = self.config, self._learner.baseline
        luma = checks.mean_luma(frame.coarse)
        blank = checks.blankness(frame.coarse, config.covered.block, config.covered.max_detail)
        featureless = blank.featureless
        raw: set[HealthCondition] = set()
        dark = luma < config.too_dark.max_mean_luma
        # The relative rule is for part of the view going blank while the rest looks as usual; a dark
        # scene loses detail everywhere and its detailed remainder is dark too.
        usual = 1.0
        if baseline is not None and blank.detailed_luma >= config.too_dark.max_mean_luma:
            usual = baseline.featureless
        covered = config.covered
        if featureless >= min(covered.min_featureless_fraction, usual + covered.min_featureless_increase):
            raw.add(C.COVERED)
        if dark:
            raw.add(C.TOO_DARK)
        changed = None
        previous = self._state.previous
        if previous is not None and previous.coarse.shape == frame.coarse.shape:
            frozen = config.frozen
            changed = checks.changed_fraction(
                previous.coarse, frame.coarse, frozen.min_delta, frozen.noise_factor, frozen.max_noise
            )
            if changed < frozen.max_changed_fraction and self._learner.activity >= frozen.min_activity:
                raw.add(C.FROZEN)
        sharpness_ratio = shift = similarity_ratio = None
        if baseline is not None and baseline.reference.shape == frame.coarse.shape:
            sharpness_ratio = checks.sharpness(frame.fine) / baseline.sharpness
            if sharpness_ratio < config.defocus.max_sharpness_ratio:
                raw.add(C.DEFOCUSED)
            offset = checks.view_offset(baseline.reference, frame.coarse, baseline.window)
            shift = offset.distance / frame.coarse.shape[1]
            similarity = checks.edge_similarity(baseline.reference_edges, checks.edge_map(frame.coarse))
            similarity_ratio = similarity / baseline.similarity
            moved = config.moved
            slid = shift > moved.max_shift_fraction and offset.response >= moved.min_shift_response
            if slid or similarity_ratio < moved.min_similarity_ratio:
                raw.add(C.MOVED)
        for condition, hidden in _MASKS.items():
            if condition in raw:
                raw -= hidden
        return HealthReading(
            timestamp=timestamp,
            mean_luma=luma,
            featureless_fraction=featureless,
            changed_fraction=changed,
            sharpness_ratio=sharpness_ratio,
            view_shift=shift,
            view_similarity_ratio=similarity_ratio,
            raw=frozenset(raw),
        )

    def _top(self) -> HealthCondition:
        return min(self.active, key=lambda c: c.rank, default=C.OK)

    def _report(self, now: float, reading: HealthReading | None, detail: str = "") -> HealthChange | None:
        condition, previous = self._top(), self._state.condition
        if condition is previous:
            return None
        self._state.condition = condition
        if reading is not None:
            detail = _describe(condition, reading, self.config)
        if condition is C.OFFLINE:
            since = self._offline.since if self._offline.since is not None else now
        elif condition is C.OK:
            since = max((s.changed_at for s in self._state.states.values()), default=now)
            since = now if previous is C.OFFLINE else since
        else:
            since = self._state.states[condition].changed_at
        return HealthChange(self.camera_id, condition, previous, since, detail)


def _describe(condition: HealthCondition, reading: HealthReading, config: CameraHealthConfig) -> str:
    """One line for the operator saying what the picture showed."""
    if condition is C.COVERED:
        return f"{reading.featureless_fraction:.0%} of the picture shows no detail"
    if condition is C.FROZEN:
        return f"picture unchanged for at least {config.frozen.hold_seconds:g} s"
    if condition is C.TOO_DARK:
        return f"mean brightness {reading.mean_luma:.0f} of 255 (limit {config.too_dark.max_mean_luma:g})"
    if condition is C.DEFOCUSED and reading.sharpness_ratio is not None:
        return f"sharpness {reading.sharpness_ratio:.0%} of usual"
    if condition is C.MOVED and reading.view_shift is not None and reading.view_similarity_ratio is not None:
        return (
            f"view shifted {reading.view_shift:.1%} of the width, "
            f"structure {reading.view_similarity_ratio:.0%} as similar as usual to the reference"
        )
    return "picture healthy"
