"""Scripted object tracks for rule and tracker tests: boxes over time, played through the real tracker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detections import Detections, class_id_of
from kuzet.vision.rules.base import Frame, Rule, RuleEnvironment, RuleHit
from kuzet.vision.rules.registry import build_rule, parse_rule_config
from kuzet.vision.tracking import ByteTracker, TrackerSettings
from kuzet.vision.zones import LineZone, PolygonZone

FPS = 10.0
SIZE = (1000, 1000)
NOON = datetime(2024, 5, 1, 12, 0, tzinfo=UTC).timestamp()  # a Wednesday
Box = tuple[float, float, float, float]


def person(x: float, y: float, height: float = 100.0) -> Box:
    """An upright person's box with the feet at (x, y)."""
    return (x - 0.2 * height, y - height, x + 0.2 * height, y)


def lying(x: float, y: float, length: float = 100.0) -> Box:
    return (x - length / 2, y - 0.35 * length, x + length / 2, y)


def thing(x: float, y: float, size: float = 30.0) -> Box:
    return (x - size / 2, y - size, x + size / 2, y)


@dataclass
class Mover:
    """An object whose box moves linearly between (time, box) keyframes; absent outside them and
    during ``gaps`` (missed detections)."""

    class_name: str
    keyframes: list[tuple[float, Box]]
    gaps: list[tuple[float, float]] = field(default_factory=list)
    energy: float = 0.0  # supplied motion energy (fight rule)
    jitter: float = 0.0  # random box noise, fraction of size

    def box(self, t: float) -> NDArray[np.float64] | None:
        times = [k[0] for k in self.keyframes]
        if not times[0] <= t <= times[-1] or any(a <= t < b for a, b in self.gaps):
            return None
        boxes = np.array([k[1] for k in self.keyframes])
        return np.array([np.interp(t, times, boxes[:, i]) for i in range(4)])


def walk(class_name: str, points: Sequence[tuple[float, float, float]], height: float = 100.0) -> Mover:
    """A person (or object) whose feet pass (t, x, y) points."""
    return Mover(class_name, [(t, person(x, y, height)) for t, x, y in points])


def zones(frame_size: tuple[int, int] = SIZE) -> dict[str, PolygonZone | LineZone]:
    return {
        "right": PolygonZone([(0.5, 0), (1, 0), (1, 1), (0.5, 1)], frame_size, name="right"),
        "line": LineZone((0.5, 0.2), (0.5, 0.8), frame_size, name="line"),
    }


def build(config: dict[str, Any], env: RuleEnvironment | None = None) -> Rule[Any]:
    """Validate a rule config as the site file would and build the rule on the test environment."""
    return build_rule(parse_rule_config(config), env or RuleEnvironment(frame_size=SIZE, zones=zones()))


def detections_at(movers: Sequence[Mover], t: float, rng: np.random.Generator) -> Detections:
    boxes, classes, energy = [], [], []
    for mover in movers:
        box = mover.box(t)
        if box is None:
            continue
        if mover.jitter:
            size = np.tile(box[2:] - box[:2], 2)
            box = box + rng.normal(0, mover.jitter, 4) * size
            box = np.concatenate([np.minimum(box[:2], box[2:]), np.maximum(box[:2], box[2:])])
        boxes.append(box)
        classes.append(class_id_of(mover.class_name))
        energy.append(mover.energy)
    dets = Detections.from_arrays(np.reshape(boxes, (-1, 4)), np.full(len(boxes), 0.9), classes)
    if not any(m.energy for m in movers):  # no optical flow supplied: rules fall back to box jitter
        return dets
    return dets.with_data(motion_energy=np.asarray(energy, np.float32))


def play(
    movers: Sequence[Mover],
    rules: Sequence[Rule[Any]] | Rule[Any],
    duration: float,
    *,
    start: float = NOON,
    frame: Frame | None = None,
    settings: TrackerSettings | None = None,
    seed: int = 0,
) -> list[RuleHit]:
    """Feed the movers' boxes through a tracker and the rules at ``FPS``; all hits, in order."""
    rule_list = [rules] if isinstance(rules, Rule) else list(rules)
    tracker = ByteTracker(settings)
    rng = np.random.default_rng(seed)
    hits: list[RuleHit] = []
    for t in np.arange(0.0, duration, 1 / FPS):
        tracked = tracker.update(detections_at(movers, float(t), rng), start + float(t))
        for rule in rule_list:
            hits += rule.evaluate(start + float(t), tracked, tracker.state, frame)
    return hits
