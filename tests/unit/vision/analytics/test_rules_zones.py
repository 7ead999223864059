"""Zone rules on scripted tracks: intrusion, line crossing, loitering, crowd, wrong way, illegal parking.

Frame 1000x1000; zone ``right`` is the right half, ``line`` runs from (500, 200) down to (500, 800), so
crossing it right→left is ``in``. Each row: a config, scripted movers, how long, and how many hits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.unit.vision.analytics.scripting import NOON, Mover, build, play, thing, walk


@dataclass(frozen=True)
class Case:
    name: str
    config: dict[str, Any]
    movers: tuple[Mover, ...]
    duration: float
    hits: int
    start: float = NOON


INTRUSION = {"type": "intrusion", "id": "r", "zone": "right"}
LINE = {"type": "line_crossing", "id": "r", "zone": "line"}
LOITER = {"type": "loitering", "id": "r", "zone": "right", "min_seconds": 10, "grace_seconds": 3}
CROWD = {"type": "crowd", "id": "r", "zone": "right", "min_people": 3, "min_seconds": 3}
WRONG = {"type": "wrong_way", "id": "r", "classes": ["person"], "direction": (1, 0), "min_distance": 0.1}
PARKING = {"type": "illegal_parking", "id": "r", "zone": "right", "min_seconds": 5}


def stand(x: float, y: float, t0: float, t1: float, cls: str = "person") -> Mover:
    return walk(cls, [(t0, x, y), (t1, x, y)])


def car(points: list[tuple[float, float, float]]) -> Mover:
    return Mover("car", [(t, (x - 80, y - 70, x + 80, y)) for t, x, y in points])


def bounce(times: int) -> Mover:
    """In and out of the zone's edge every 0.2 s (boundary jitter)."""
    return walk("person", [(0.2 * i, 480 + 40 * (i % 2), 500) for i in range(times)])


CASES = [
    Case(
        "intrusion: walks into the zone", INTRUSION, (walk("person", [(0, 100, 500), (4, 800, 500)]),), 5, 1
    ),
    Case("intrusion: walks past", INTRUSION, (walk("person", [(0, 100, 300), (4, 450, 900)]),), 5, 0),
    Case("intrusion: a car is not a person", INTRUSION, (car([(0, 100, 500), (4, 800, 500)]),), 5, 0),
    Case(
        "intrusion: in, out for 5 s, in again",
        INTRUSION,
        (walk("person", [(0, 600, 500), (2, 600, 500), (4, 300, 500), (9, 300, 500), (11, 700, 500)]),),
        12,
        2,
    ),
    Case("intrusion: jitter on the edge is one incident", INTRUSION, (bounce(30),), 6, 1),
    Case(
        "intrusion: outside the schedule",
        {**INTRUSION, "schedule": "22:00-06:00"},
        (walk("person", [(0, 100, 500), (4, 800, 500)]),),
        5,
        0,
    ),
    Case(
        "intrusion: inside the schedule",
        {**INTRUSION, "schedule": "22:00-06:00"},
        (walk("person", [(0, 100, 500), (4, 800, 500)]),),
        5,
        1,
        NOON + 11 * 3600,
    ),
    Case(
        "line: right to left is in",
        {**LINE, "direction": "in"},
        (walk("person", [(0, 800, 500), (3, 200, 500)]),),
        4,
        1,
    ),
    Case(
        "line: in is not out",
        {**LINE, "direction": "out"},
        (walk("person", [(0, 800, 500), (3, 200, 500)]),),
        4,
        0,
    ),
    Case(
        "line: there and back, both ways",
        LINE,
        (walk("person", [(0, 200, 500), (4, 800, 500), (5, 800, 500), (9, 200, 500)]),),
        10,
        2,
    ),
    Case("line: past the segment's end", LINE, (walk("person", [(0, 800, 900), (3, 200, 900)]),), 4, 0),
    Case("line: along the line", LINE, (walk("person", [(0, 700, 250), (3, 700, 750)]),), 4, 0),
    Case("loitering: stays 15 s", LOITER, (walk("person", [(0, 600, 500), (15, 700, 600)]),), 16, 1),
    Case("loitering: passes through", LOITER, (walk("person", [(0, 300, 500), (5, 990, 500)]),), 6, 0),
    Case(
        "loitering: unseen for 2 s mid-stay",
        LOITER,
        (Mover("person", walk("person", [(0, 600, 500), (14, 650, 500)]).keyframes, gaps=[(6, 8)]),),
        15,
        1,
    ),
    Case(
        "loitering: away 10 s between two short stays",
        LOITER,
        (
            walk(
                "person",
                [(0, 600, 500), (6, 600, 500), (7, 300, 500), (17, 300, 500), (18, 600, 500), (24, 600, 500)],
            ),
        ),
        25,
        0,
    ),
    Case("crowd: three people", CROWD, tuple(stand(600 + 100 * i, 500, 0, 8) for i in range(3)), 8, 1),
    Case("crowd: two people", CROWD, tuple(stand(600 + 100 * i, 500, 0, 8) for i in range(2)), 8, 0),
    Case(
        "crowd: three people, but only 2 s",
        CROWD,
        tuple(stand(600 + 100 * i, 500, 0, 2.3) for i in range(3)),
        4,
        0,
    ),
    Case(
        "crowd: four people, 15 s, one incident",
        CROWD,
        tuple(stand(550 + 100 * i, 500, 0, 15) for i in range(4)),
        15,
        1,
    ),
    Case(
        "crowd: three people outside", CROWD, tuple(stand(100 + 100 * i, 500, 0, 8) for i in range(3)), 8, 0
    ),
    Case("wrong way: walks left", WRONG, (walk("person", [(0, 800, 500), (4, 400, 500)]),), 5, 1),
    Case("wrong way: walks right", WRONG, (walk("person", [(0, 200, 500), (4, 800, 500)]),), 5, 0),
    Case("wrong way: walks across", WRONG, (walk("person", [(0, 500, 200), (4, 500, 800)]),), 5, 0),
    Case(
        "wrong way: a short step back",
        WRONG,
        (walk("person", [(0, 600, 500), (1, 550, 500), (4, 550, 500)]),),
        5,
        0,
    ),
    Case(
        "wrong way: default classes skip people",
        {k: v for k, v in WRONG.items() if k != "classes"},
        (walk("person", [(0, 800, 500), (4, 400, 500)]),),
        5,
        0,
    ),
    Case("parking: 10 s in the zone", PARKING, (car([(0, 100, 500), (2, 700, 500), (12, 700, 500)]),), 13, 1),
    Case(
        "parking: 3 s stop, then away",
        PARKING,
        (car([(0, 100, 500), (2, 700, 500), (5, 700, 500), (7, 990, 900)]),),
        8,
        0,
    ),
    Case("parking: outside the zone", PARKING, (car([(0, 100, 500), (2, 300, 500), (12, 300, 500)]),), 13, 0),
    Case("parking: a standing person", PARKING, (stand(700, 500, 0, 12),), 13, 0),
    Case(
        "parking: outside the schedule",
        {**PARKING, "schedule": "08:00-10:00"},
        (car([(0, 100, 500), (2, 700, 500), (12, 700, 500)]),),
        13,
        0,
    ),
    Case(
        "parking: moves off and parks again",
        {**PARKING, "rearm_seconds": 1},
        (car([(0, 700, 500), (7, 700, 500), (8, 850, 500), (16, 850, 500)]),),
        17,
        2,
    ),
    Case(
        "intrusion: watches the configured class",
        {"type": "intrusion", "id": "r", "zone": "right", "classes": ["backpack"]},
        (Mover("backpack", [(0, thing(700, 500)), (5, thing(700, 500))]),),
        5,
        1,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_zone_rule(case: Case) -> None:
    rule = build(case.config)
    hits = play(case.movers, rule, case.duration, start=case.start)
    assert len(hits) == case.hits, [h.detail for h in hits]
    assert all(h.rule_id == "r" and h.code == rule.config.code for h in hits)


def test_line_counts_both_directions() -> None:
    rule = build(LINE)
    movers = (
        walk("person", [(0, 800, 400), (3, 200, 400)]),
        walk("person", [(0, 200, 600), (3, 800, 600)]),
        walk("person", [(0, 250, 500), (3, 150, 500)]),
    )
    play(movers, rule, 4)
    assert (rule.in_count, rule.out_count) == (1, 1)  # type: ignore[attr-defined]


def test_crowd_hit_lists_the_people_and_their_box() -> None:
    hits = play(tuple(stand(600 + 100 * i, 500, 0, 6) for i in range(3)), build(CROWD), 6)
    assert len(hits) == 1
    assert len(hits[0].track_ids) == 3
    assert hits[0].bbox == pytest.approx((580, 400, 820, 500), abs=2)
    assert hits[0].zone == "right"


def test_loitering_fires_after_the_dwell_time() -> None:
    hits = play((stand(700, 500, 0, 20),), build(LOITER), 20)
    assert len(hits) == 1
    assert hits[0].time - NOON == pytest.approx(10.2, abs=0.35)  # 10 s after the track was confirmed
