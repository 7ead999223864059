"""Behaviour rules on scripted tracks: running, abandoned object, person down, suspicious stash, fight,
and the classifier slot. Same conventions as ``test_rules_zones`` (1000x1000 frame, people 100 px tall).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from kuzet.vision.rules.base import RuleEnvironment
from kuzet.vision.zones import GroundCalibration
from tests.unit.vision.analytics.scripting import SIZE, Mover, build, lying, person, play, thing, walk, zones


@dataclass(frozen=True)
class Case:
    name: str
    config: dict[str, Any]
    movers: tuple[Mover, ...]
    duration: float
    hits: int


RUN = {"type": "running", "id": "r"}
BAG = {"type": "abandoned_object", "id": "r", "min_seconds": 5}
DOWN = {"type": "person_down", "id": "r", "min_seconds": 3}
STASH = {"type": "suspicious_stash", "id": "r", "min_stops": 3, "min_stop_seconds": 3, "max_stop_seconds": 10}
FIGHT = {"type": "fight", "id": "r", "min_seconds": 2}


def stops(spots: Sequence[float], pause: float, y: float = 500) -> Mover:
    """Walk right along y, stopping ``pause`` seconds at each x in ``spots`` (1 s walks between)."""
    points, t, x = [(0.0, spots[0] - 100, y)], 1.0, spots[0]
    for x in spots:
        points += [(t, x, y), (t + pause, x, y)]
        t += pause + 1.5
    points.append((t, x + 100, y))
    return walk("person", points)


def fall(t: float, x: float = 500, y: float = 500, up_after: float | None = None) -> Mover:
    keys = [(0.0, person(x, y)), (t, person(x, y)), (t + 1.0, lying(x, y))]
    if up_after is not None:
        keys += [
            (t + 1.0 + up_after, lying(x, y)),
            (t + 2.0 + up_after, person(x, y)),
            (t + 12, person(x, y)),
        ]
    else:
        keys.append((t + 12, lying(x, y)))
    return Mover("person", keys)


def fighter(x: float, energy: float, jitter: float = 0.0) -> Mover:
    return Mover("person", [(0.0, person(x, 500)), (8.0, person(x, 500))], energy=energy, jitter=jitter)


def owner_leaves(after: float) -> tuple[Mover, Mover]:
    bag = Mover("backpack", [(1.0, thing(520, 500)), (20.0, thing(520, 500))])
    owner = walk(
        "person", [(0, 300, 500), (1, 500, 500), (1 + after, 500, 500), (4 + after, 950, 500), (20, 950, 500)]
    )
    return bag, owner


CASES = [
    Case("running: walking pace", RUN, (walk("person", [(0, 100, 500), (6, 600, 500)]),), 6, 0),
    Case("running: 3 heights a second", RUN, (walk("person", [(0, 100, 500), (3, 1000, 500)]),), 3, 1),
    Case(
        "running: in a zone elsewhere",
        {**RUN, "zone": "right"},
        (walk("person", [(0, 50, 500), (1.5, 480, 500)]),),
        2,
        0,
    ),
    Case("bag: owner walks away", BAG, owner_leaves(after=1), 15, 1),
    Case("bag: owner stays beside it", BAG, owner_leaves(after=30), 15, 0),
    Case(
        "bag: picked up after 3 s alone",
        BAG,
        (Mover("backpack", [(0.0, thing(520, 500)), (3.5, thing(520, 500))]),),
        8,
        0,
    ),
    Case(
        "bag: a chair is not a bag",
        BAG,
        (Mover("chair", [(0.0, thing(520, 500)), (10.0, thing(520, 500))]),),
        10,
        0,
    ),
    Case(
        "bag: any small object",
        {**BAG, "any_small_object": True},
        (Mover("chair", [(0.0, thing(520, 500)), (10.0, thing(520, 500))]),),
        10,
        1,
    ),
    Case("down: falls and stays down", DOWN, (fall(2),), 9, 1),
    Case("down: gets up after 1 s", DOWN, (fall(2, up_after=1),), 9, 0),
    Case(
        "down: lying from the start",
        DOWN,
        (Mover("person", [(0.0, lying(500, 500)), (9.0, lying(500, 500))]),),
        9,
        0,
    ),
    Case("stash: three stops at three spots", STASH, (stops([200, 450, 700], pause=4),), 20, 1),
    Case("stash: two stops", STASH, (stops([200, 450], pause=4),), 15, 0),
    Case("stash: stops too long", STASH, (stops([200, 450, 700], pause=12),), 45, 0),
    Case("stash: three stops on one spot", STASH, (stops([400, 420, 440], pause=4),), 20, 0),
    Case("fight: two people, violent, close", FIGHT, (fighter(480, 0.5), fighter(540, 0.5)), 8, 1),
    Case("fight: close but calm", FIGHT, (fighter(480, 0.02), fighter(540, 0.02)), 8, 0),
    Case("fight: violent but far apart", FIGHT, (fighter(200, 0.5), fighter(800, 0.5)), 8, 0),
    Case("fight: only one violent", FIGHT, (fighter(480, 0.5), fighter(540, 0.02)), 8, 0),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_behaviour_rule(case: Case) -> None:
    rule = build(case.config)
    hits = play(case.movers, rule, case.duration)
    assert len(hits) == case.hits, [h.detail for h in hits]
    assert all(h.code == rule.config.code for h in hits)


def test_fight_hit_names_both_people() -> None:
    hits = play((fighter(480, 0.5), fighter(540, 0.5)), build(FIGHT), 8)
    assert len(hits) == 1
    assert sorted(hits[0].track_ids) == [1, 2]
    assert "heuristic" in hits[0].detail


def test_fight_from_box_jitter_without_supplied_energy() -> None:
    """Flailing boxes (no optical flow supplied) raise the tracker's jitter measure above the bar."""
    movers = (fighter(480, 0.0, jitter=0.08), fighter(540, 0.0, jitter=0.08))
    calm = (fighter(480, 0.0, jitter=0.005), fighter(540, 0.0, jitter=0.005))
    rule = {**FIGHT, "min_energy": 0.1}
    assert len(play(movers, build(rule), 8)) == 1
    assert play(calm, build(rule), 8) == []


def test_running_in_metres_per_second_with_calibration() -> None:
    # 100 px = 1 m everywhere: a plain scale, so speeds are easy to check.
    calibration = GroundCalibration(
        [(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (10, 0), (10, 10), (0, 10)], SIZE
    )
    env = RuleEnvironment(frame_size=SIZE, zones=zones(), calibration=calibration)
    config = {**RUN, "min_speed_mps": 3.0}
    jog = play((walk("person", [(0, 100, 500), (3, 1000, 500)]),), build(config, env), 3)  # 3 m/s
    stroll = play((walk("person", [(0, 100, 500), (5, 700, 500)]),), build(config, env), 5)  # 1.2 m/s
    assert len(jog) == 1
    assert "m/s" in jog[0].detail
    assert stroll == []


@dataclass(frozen=True)
class Scores:
    probabilities: NDArray[np.float32]


class ScriptedClassifier:
    """Returns a fixed probability for class 1 and counts the crops it was shown."""

    def __init__(self, probability: float) -> None:
        self.probability = probability
        self.crops = 0

    def classify(self, image_bgr: NDArray[np.uint8], boxes: NDArray[np.float32]) -> Scores:
        self.crops += len(boxes)
        assert image_bgr.ndim == 3
        assert ((boxes[:, 2:] > boxes[:, :2]) & (boxes >= 0).all(axis=1, keepdims=True)).all()
        p = self.probability
        return Scores(np.tile(np.array([1 - p, p], np.float32), (len(boxes), 1)))


@pytest.mark.parametrize(("probability", "hits"), [(0.95, 1), (0.5, 0)])
def test_classifier_rule_reports_after_consecutive_positive_checks(probability: float, hits: int) -> None:
    model = ScriptedClassifier(probability)
    env = RuleEnvironment(frame_size=SIZE, zones=zones(), classifiers={"drink": model})
    config = {"type": "classifier", "id": "r", "model": "drink", "class_index": 1, "code": "public_drinking"}
    frame = np.full((1000, 1000, 3), 90, np.uint8)
    found = play((walk("person", [(0, 300, 500), (10, 400, 500)]),), build(config, env), 10, frame=frame)
    assert len(found) == hits
    assert 8 <= model.crops <= 10  # about one check per second, not one per frame
    if hits:
        assert found[0].code == "public_drinking"
        assert found[0].confidence == pytest.approx(0.95)


def test_classifier_rule_without_a_frame_checks_nothing() -> None:
    model = ScriptedClassifier(0.99)
    env = RuleEnvironment(frame_size=SIZE, zones=zones(), classifiers={"drink": model})
    config = {"type": "classifier", "id": "r", "model": "drink", "class_index": 1, "code": "public_drinking"}
    assert play((walk("person", [(0, 300, 500), (5, 400, 500)]),), build(config, env), 5) == []
    assert model.crops == 0
