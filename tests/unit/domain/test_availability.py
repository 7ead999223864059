from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuzet.domain.fleet.availability import Availability, Step, by_district, measure

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
END = T0 + timedelta(hours=2)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("down", "not_owed", "owed_min", "down_min"),
    [
        ([], [], 120, 0),  # nothing recorded: ok and owed
        ([Step(at(30), True), Step(at(60), False)], [], 120, 30),
        ([Step(at(-60), True), Step(at(30), False)], [], 120, 30),  # down since before the window
        ([Step(at(-60), True)], [], 120, 120),
        ([Step(at(90), True), Step(at(500), False)], [], 120, 30),  # still down at the end
        ([Step(at(0), True), Step(at(90), False)], [Step(at(-5), True), Step(at(60), False)], 60, 30),
        ([Step(at(-5), True)], [Step(at(-5), True)], 0, 0),  # written off before the window
    ],
)
def test_measure_integrates_down_time_over_owed_time(
    down: list[Step], not_owed: list[Step], owed_min: float, down_min: float
) -> None:
    a = measure("street-1", "almaly", T0, END, down=down, not_owed=not_owed)
    assert (a.owed_s, a.down_s) == (owed_min * 60, down_min * 60)
    assert a.fraction == (None if owed_min == 0 else 1 - down_min / owed_min)


def test_districts_are_time_weighted() -> None:
    cameras = [
        Availability("a", "almaly", 7200, 1800),
        Availability("b", "almaly", 3600, 0),
        Availability("c", "medeu", 0, 0),
    ]
    totals = by_district(cameras)
    assert [(d.subject, d.fraction) for d in totals] == [("almaly", 1 - 1800 / 10800), ("medeu", None)]
