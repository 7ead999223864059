"""Scripted scenarios for the rules' accuracy: who walks where, which zone, which rule, which hits.

Each builder draws a random but reproducible scenario (seeded) from the scene assets: positives that
must fire (with the window in which the hit must come) and negatives placed to tempt the rule (walking
past a zone's edge, crossing the wrong way, stopping too briefly). ``run_scenario`` pushes the frames
through the analytics pipeline (motion gate → detector regions → detector → tracker → rules) and
``score`` matches the hits against the expectations. The detector is either the ``OracleDetector`` (the
truth with scripted faults) or a real ``Detector`` searching the rendered frames: the rules as deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kuzet.sim.scenes import Actor, ExpectedHit, OracleDetector, Scene, SceneAssets, Sprite, Waypoint
from kuzet.vision.detections import COCO_CLASSES, Detections, box_iou
from kuzet.vision.detectors.base import Detector, Regions
from kuzet.vision.motion import RecheckSchedule, covered_fraction
from kuzet.vision.pipeline import AnalyticsPipeline, PipelineSettings
from kuzet.vision.rules.base import RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.rules.crowd import CrowdConfig
from kuzet.vision.rules.illegal_parking import IllegalParkingConfig
from kuzet.vision.rules.intrusion import IntrusionConfig
from kuzet.vision.rules.line_crossing import LineCrossingConfig
from kuzet.vision.rules.loitering import LoiteringConfig
from kuzet.vision.rules.registry import RuleSet
from kuzet.vision.rules.wrong_way import WrongWayConfig
from kuzet.vision.zones import LineZone, PolygonZone

Rect = tuple[float, float, float, float]  # x1, y1, x2, y2 as fractions of the frame
EPOCH = 1_700_000_000.0  # scene time 0, as a wall-clock time (rules with schedules read it)
# A jittered box may cross a zone edge a frame or two before the true one: that is not an early hit.
EARLY_SLACK = 0.3


@dataclass(frozen=True, slots=True)
class ZoneSpec:
    id: str
    kind: Literal["polygon", "line"]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    scene: Scene
    zones: tuple[ZoneSpec, ...]
    rules: tuple[RuleConfigBase, ...]

    def environment(self) -> RuleEnvironment:
        size = self.scene.frame_size
        zones: dict[str, PolygonZone | LineZone] = {
            z.id: PolygonZone(z.points, size, name=z.id)
            if z.kind == "polygon"
            else LineZone(z.points[0], z.points[1], size, name=z.id)
            for z in self.zones
        }
        return RuleEnvironment(frame_size=size, zones=zones)


class _Route:
    """Waypoints built leg by leg: walk to a point at a speed, or wait."""

    def __init__(self, t: float, x: float, y: float) -> None:
        self.points: list[Waypoint] = [(t, x, y)]

    def to(self, x: float, y: float, speed: float) -> _Route:
        t0, x0, y0 = self.points[-1]
        self.points.append((t0 + float(np.hypot(x - x0, y - y0)) / speed, x, y))
        return self

    def to_point(self, point: NDArray[np.float64], speed: float) -> _Route:
        return self.to(float(point[0]), float(point[1]), speed)

    def wait(self, seconds: float) -> _Route:
        t, x, y = self.points[-1]
        self.points.append((t + seconds, x, y))
        return self

    @property
    def end(self) -> float:
        return self.points[-1][0]


def _rect(rect: Rect) -> tuple[tuple[float, float], ...]:
    x1, y1, x2, y2 = rect
    return ((x1, y1), (x2, y1), (x2, y2), (x1, y2))


def _first_inside(route: _Route, rect: Rect, size: tuple[int, int], after: float = 0.0) -> float:
    """When the route's anchor first lies in ``rect`` (after ``after`` seconds)."""
    times = np.arange(route.points[0][0], route.end, 0.05)
    xs = np.interp(times, [p[0] for p in route.points], [p[1] for p in route.points]) / size[0]
    ys = np.interp(times, [p[0] for p in route.points], [p[2] for p in route.points]) / size[1]
    inside = (xs >= rect[0]) & (xs <= rect[2]) & (ys >= rect[1]) & (ys <= rect[3]) & (times >= after)
    if not inside.any():
        raise ValueError("the scripted route never enters the zone")
    return float(times[np.argmax(inside)])


@dataclass(slots=True)
class _Cast:
    """Hands out distinct pedestrian sprites and actor ids."""

    assets: SceneAssets
    rng: np.random.Generator
    order: list[int] = field(default_factory=list)

    def person(self) -> Sprite:
        if not self.order:
            self.order = self.rng.permutation(len(self.assets.pedestrians)).tolist()
        return self.assets.pedestrians[self.order.pop()]

    def speed(self) -> float:
        return float(self.rng.uniform(60, 100))


def _scene(
    name: str,
    assets: SceneAssets,
    routes: list[tuple[Sprite, _Route]],
    expected: list[ExpectedHit],
    seed: int,
) -> Scene:
    actors = tuple(Actor(i + 1, sprite, tuple(route.points)) for i, (sprite, route) in enumerate(routes))
    duration = max(route.end for _, route in routes) + 1.0
    return Scene(name, assets.background, actors, duration, expected=tuple(expected), seed=seed)


def intrusion_scenario(assets: SceneAssets, seed: int) -> Scenario:
    rng, zone = np.random.default_rng(seed), (0.55, 0.55, 0.95, 0.95)
    cast, size = _Cast(assets, rng), (assets.background.shape[1], assets.background.shape[0])
    routes, expected = [], []
    for k in range(2):  # into the zone and out through the bottom edge
        t0 = 1.0 + 6 * k + rng.uniform(0, 2)
        target = rng.uniform([0.62, 0.65], [0.88, 0.85]) * size
        route = _Route(t0, rng.uniform(0.05, 0.4) * size[0], 0.45 * size[1]).to_point(target, cast.speed())
        route.to(target[0], size[1] + 60, cast.speed())
        entry = _first_inside(route, zone, size)
        routes.append((cast.person(), route))
        expected.append(ExpectedHit("intrusion", (len(routes),), entry, entry + 2.5))
    for k in range(2):  # past the zone: along its top edge, and down its left side
        t0 = 2.0 + 5 * k
        if k == 0:
            route = _Route(t0, -40, 0.47 * size[1]).to(size[0] + 40, 0.48 * size[1], cast.speed())
        else:
            route = _Route(t0, 0.48 * size[0], 0.4 * size[1]).to(0.49 * size[0], size[1] + 60, cast.speed())
        routes.append((cast.person(), route))
    rule = IntrusionConfig(type="intrusion", id="intrusion", zone="restricted", min_seconds=0.3)
    return Scenario(
        _scene("intrusion", assets, routes, expected, seed),
        (ZoneSpec("restricted", "polygon", _rect(zone)),),
        (rule,),
    )


def line_crossing_scenario(assets: SceneAssets, seed: int) -> Scenario:
    """A vertical line from (0.5, 0.4) down to (0.5, 0.98): crossing right→left is 'in'."""
    rng = np.random.default_rng(seed)
    cast, size = _Cast(assets, rng), (assets.background.shape[1], assets.background.shape[0])
    routes, expected = [], []
    for k in range(4):
        leftward = k % 2 == 0
        y = rng.uniform(0.5, 0.9) * size[1]
        start, end = (size[0] + 40, -40) if leftward else (-40, size[0] + 40)
        route = _Route(1.0 + 3.5 * k, start, y).to(end, y + rng.uniform(-30, 30), cast.speed())
        t0 = route.points[0][0]
        cross = t0 + (0.5 * size[0] - start) / (end - start) * (route.end - t0)
        routes.append((cast.person(), route))
        expected.append(
            ExpectedHit("line-in" if leftward else "line-out", (len(routes),), cross - 0.5, cross + 2.5)
        )
    above = 0.33 * size[1]  # passes beyond the segment's top end: not a crossing
    routes.append((cast.person(), _Route(2.0, -40, above).to(size[0] + 40, above, cast.speed())))
    routes.append(
        (cast.person(), _Route(3.0, 0.7 * size[0], 0.45 * size[1]).to(0.8 * size[0], size[1] + 60, 70))
    )
    rules = (
        LineCrossingConfig(type="line_crossing", id="line-in", zone="gate", direction="in"),
        LineCrossingConfig(type="line_crossing", id="line-out", zone="gate", direction="out"),
    )
    line = ZoneSpec("gate", "line", ((0.5, 0.4), (0.5, 0.98)))
    return Scenario(_scene("line_crossing", assets, routes, expected, seed), (line,), rules)


def loitering_scenario(assets: SceneAssets, seed: int) -> Scenario:
    rng, zone = np.random.default_rng(seed), (0.08, 0.5, 0.45, 0.95)
    cast, size = _Cast(assets, rng), (assets.background.shape[1], assets.background.shape[0])
    inner = np.array([[0.14, 0.6], [0.4, 0.9]]) * size
    route = _Route(1.0, -40, 0.7 * size[1]).to_point(rng.uniform(*inner), cast.speed())
    for _ in range(6):  # pacing about inside the zone for ~15 s
        route.wait(rng.uniform(1, 2)).to_point(rng.uniform(*inner), 30)
    entry = _first_inside(route, zone, size)
    route.to(-40, route.points[-1][2], cast.speed())
    routes = [(cast.person(), route)]
    expected = [ExpectedHit("loitering", (1,), entry + 8.0, entry + 10.0)]
    routes.append(
        (cast.person(), _Route(2.0, 0.3 * size[0], 0.42 * size[1]).to(0.25 * size[0], size[1] + 60, 80))
    )
    standing = _Route(3.0, size[0] + 40, 0.7 * size[1]).to(0.7 * size[0], 0.7 * size[1], 80).wait(14)
    routes.append((cast.person(), standing.to(size[0] + 40, 0.75 * size[1], 80)))
    rule = LoiteringConfig(type="loitering", id="loitering", zone="atm", min_seconds=8, grace_seconds=3)
    return Scenario(
        _scene("loitering", assets, routes, expected, seed),
        (ZoneSpec("atm", "polygon", _rect(zone)),),
        (rule,),
    )


def crowd_scenario(assets: SceneAssets, seed: int) -> Scenario:
    """Five people gather in the zone (a crowd) on even seeds, only three on odd seeds (no crowd)."""
    rng, zone = np.random.default_rng(seed), (0.35, 0.4, 0.95, 0.98)
    cast, size = _Cast(assets, rng), (assets.background.shape[1], assets.background.shape[0])
    people = 5 if seed % 2 == 0 else 3
    spots = np.array([[0.42, 0.55], [0.58, 0.62], [0.74, 0.55], [0.5, 0.85], [0.7, 0.88]]) * size
    routes, arrivals = [], []
    for k in range(people):
        spot = spots[k] + rng.uniform(-15, 15, 2)
        side = -40 if k % 2 else size[0] + 40
        route = _Route(0.5 + 0.8 * k, side, rng.uniform(0.45, 0.9) * size[1]).to_point(spot, cast.speed())
        arrivals.append(_first_inside(route, zone, size))
        route.wait(12 - 0.8 * k).to(side, spot[1], cast.speed())
        routes.append((cast.person(), route))
    expected = []
    if people >= 4:
        crowded = sorted(arrivals)[3]
        expected.append(ExpectedHit("crowd", (), crowded + 3.0, crowded + 5.5))
    rule = CrowdConfig(type="crowd", id="crowd", zone="square", min_people=4, min_seconds=3)
    return Scenario(
        _scene("crowd", assets, routes, expected, seed),
        (ZoneSpec("square", "polygon", _rect(zone)),),
        (rule,),
    )


def wrong_way_scenario(assets: SceneAssets, seed: int) -> Scenario:
    """A walkway where only left-to-right is allowed."""
    rng, zone = np.random.default_rng(seed), (0.0, 0.35, 1.0, 0.99)
    cast, size = _Cast(assets, rng), (assets.background.shape[1], assets.background.shape[0])
    routes, expected = [], []
    for k in range(4):
        leftward = k % 2 == 0
        y = rng.uniform(0.5, 0.95) * size[1]
        start, end = (size[0] + 40, -40) if leftward else (-40, size[0] + 40)
        route = _Route(1.0 + 3 * k, start, y).to(end, y, cast.speed())
        routes.append((cast.person(), route))
        if leftward:
            expected.append(
                ExpectedHit("wrong-way", (len(routes),), route.points[0][0] + 0.5, route.points[0][0] + 5.0)
            )
    routes.append(
        (cast.person(), _Route(2.0, 0.5 * size[0], 0.4 * size[1]).to(0.45 * size[0], size[1] + 60, 80))
    )
    rule = WrongWayConfig(
        type="wrong_way", id="wrong-way", zone="walkway", classes=["person"], direction=(1.0, 0.0)
    )
    return Scenario(
        _scene("wrong_way", assets, routes, expected, seed),
        (ZoneSpec("walkway", "polygon", _rect(zone)),),
        (rule,),
    )


def illegal_parking_scenario(assets: SceneAssets, seed: int) -> Scenario:
    """The van parks in the zone (14 s, a violation), stops there briefly (4 s), and parks outside it."""
    rng, zone = np.random.default_rng(seed), (0.3, 0.42, 0.75, 0.72)
    size = (assets.background.shape[1], assets.background.shape[0])
    van, routes, expected = assets.vehicle, [], []
    y_in = rng.uniform(0.55, 0.65) * size[1]
    parked = _Route(1.0, -100, y_in).to(rng.uniform(0.4, 0.6) * size[0], y_in, 120)
    stop = parked.end
    routes.append((van, parked.wait(14).to(size[0] + 120, y_in, 120)))
    expected.append(ExpectedHit("no-parking", (1,), stop + 8.0, stop + 11.0))
    brief = _Route(parked.end + 1, size[0] + 100, y_in).to(0.5 * size[0], y_in, 120).wait(4)
    routes.append((van, brief.to(-100, y_in, 120)))
    y_out = 0.9 * size[1]
    routes.append(
        (van, _Route(1.5, -100, y_out).to(0.35 * size[0], y_out, 120).wait(14).to(-100, y_out, 120))
    )
    rule = IllegalParkingConfig(type="illegal_parking", id="no-parking", zone="bay", min_seconds=8)
    return Scenario(
        _scene("illegal_parking", assets, routes, expected, seed),
        (ZoneSpec("bay", "polygon", _rect(zone)),),
        (rule,),
    )


SCENARIOS: dict[str, Callable[[SceneAssets, int], Scenario]] = {
    "intrusion": intrusion_scenario,
    "line_crossing": line_crossing_scenario,
    "loitering": loitering_scenario,
    "crowd": crowd_scenario,
    "wrong_way": wrong_way_scenario,
    "illegal_parking": illegal_parking_scenario,
}


@dataclass(slots=True)
class ScenarioRun:
    """What the pipeline produced on a scenario, with the truth of each frame to score it against."""

    hits: list[RuleHit]
    truth: list[Detections]
    region_fraction: float  # mean fraction of the frame area the detector was asked to look at


class _SceneDetector(Detector):
    """What the pipeline calls: a real detector on the frame, or the oracle on the frame's truth. It
    also notes how much of the frame it was asked to search (0 when the pipeline did not call it)."""

    name = "scene"

    def __init__(self, inner: OracleDetector | Detector, frame_size: tuple[int, int]) -> None:
        self.inner, self.frame_size = inner, frame_size
        self.classes = inner.classes if isinstance(inner, Detector) else COCO_CLASSES
        self.truth, self.searched = Detections.empty(), 0.0

    def detect(self, image_bgr: NDArray[np.uint8], regions: Regions | None = None) -> Detections:
        boxes = None if regions is None else np.asarray(regions, np.float32).reshape(-1, 4)
        self.searched = 1.0 if boxes is None else covered_fraction(boxes, self.frame_size)
        if isinstance(self.inner, OracleDetector):
            return self.inner.detect(self.truth, boxes, self.frame_size)
        return self.inner.detect(image_bgr, boxes)


def run_scenario(
    scenario: Scenario,
    detector: OracleDetector | Detector,
    *,
    gated: bool = True,
    recheck: RecheckSchedule | None = None,
    min_region: tuple[int, int] = (128, 128),
) -> ScenarioRun:
    """Every frame through ``AnalyticsPipeline`` (motion gate → detector regions → detector → tracker →
    rules). A real ``detector`` searches the rendered frame; the oracle reads the frame's truth."""
    scene, size = scenario.scene, scenario.scene.frame_size
    settings = PipelineSettings(
        gated=gated, recheck_every=(recheck or RecheckSchedule(10)).every, min_region=min_region
    )
    searcher = _SceneDetector(detector, size)
    pipeline = AnalyticsPipeline(searcher, RuleSet(scenario.rules, scenario.environment()), size, settings)
    pipeline.process(scene.background, EPOCH - 1 / scene.fps)  # the camera ran before the scene began
    run = ScenarioRun([], [], 0.0)
    fractions = []
    for t in scene.times():
        frame, searcher.truth = scene.render(float(t))
        searcher.searched = 0.0
        run.hits += pipeline.process(frame, EPOCH + t).hits
        run.truth.append(searcher.truth)
        fractions.append(searcher.searched)
    run.region_fraction = float(np.mean(fractions))
    return run


@dataclass(slots=True)
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        due = self.true_positives + self.false_negatives
        return self.true_positives / due if due else 1.0


def score(scenario: Scenario, run: ScenarioRun) -> Score:
    """Match hits to expected hits: same rule, inside the time window, about the right actor (the true
    box that best overlaps the hit's box at the hit's frame). Each expectation matches once."""
    open_ = list(scenario.scene.expected)
    result = Score()
    for hit in run.hits:
        t = hit.time - EPOCH
        truth = run.truth[min(round(t * scenario.scene.fps), len(run.truth) - 1)]
        actor = _actor_at(truth, hit)
        match = next(
            (
                e
                for e in open_
                if e.rule_id == hit.rule_id
                and e.earliest - EARLY_SLACK <= t <= e.latest
                and (not e.actor_ids or actor in e.actor_ids)
            ),
            None,
        )
        if match is None:
            result.false_positives += 1
        else:
            open_.remove(match)
            result.true_positives += 1
    result.false_negatives = len(open_)
    return result


def _actor_at(truth: Detections, hit: RuleHit) -> int:
    if not len(truth) or truth.tracker_id is None:
        return -1
    iou = box_iou(np.asarray([hit.bbox], np.float32), truth.xyxy)[0]
    return int(truth.tracker_id[int(iou.argmax())]) if iou.max() > 0.3 else -1
