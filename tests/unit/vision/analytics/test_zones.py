"""Zones and lines as masks over detections, ground calibration, and schedules."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from kuzet.vision.detections import Detections
from kuzet.vision.zones import GroundCalibration, LineZone, PolygonZone, Schedule


def feet(*points: tuple[float, float], ids: list[int] | None = None) -> Detections:
    boxes = [[x - 10, y - 40, x + 10, y] for x, y in points]
    return Detections.from_arrays(np.reshape(boxes, (-1, 4)), tracker_id=ids)


def test_polygon_fractions_scale_to_the_frame() -> None:
    zone = PolygonZone([(0.5, 0.5), (1, 0.5), (1, 1), (0.5, 1)], (800, 600), name="yard")
    assert zone.bounds == (400, 300, 800, 600)
    assert zone.trigger(feet((500, 400), (100, 400), (500, 200))).tolist() == [True, False, False]
    assert zone.trigger(Detections.empty()).shape == (0,)


def test_polygon_can_use_the_box_centre() -> None:
    zone = PolygonZone([(0, 0), (1, 0), (1, 0.5), (0, 0.5)], (100, 100), anchor="center")
    assert zone.trigger(feet((50, 60))).tolist() == [True]  # centre at y=40, feet at y=60


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(0, 0), (1.2, 0), (1, 1)], r"gate\.points\[1\]: point \(1\.2, 0\.0\) lies outside the frame"),
        ([(0, 0), (1, 0)], r"gate\.points: a polygon needs at least 3 points"),
        ([(0, 0), (0.5, 0.5), (1, 1)], r"gate\.points: degenerate polygon"),
        ([(0, 0), (1, 1), (1, 0), (0, 1)], r"gate\.points: the polygon crosses itself"),
    ],
)
def test_bad_polygons_fail_naming_the_key(points: list[tuple[float, float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PolygonZone(points, (640, 480), name="gate")


def test_line_counts_directed_crossings_per_track() -> None:
    line = LineZone((0.5, 0.0), (0.5, 1.0), (100, 100), name="door")  # 'in' = right → left
    line.trigger(feet((80, 50), (20, 60), ids=[1, 2]))
    crossed_in, crossed_out = line.trigger(feet((20, 50), (80, 60), ids=[1, 2]))
    assert crossed_in.tolist() == [True, False]
    assert crossed_out.tolist() == [False, True]
    line.trigger(feet((20, 50), ids=[1]))  # stays on its new side: no new crossing
    assert (line.in_count, line.out_count) == (1, 1)


def test_line_ignores_jitter_in_its_dead_band_and_the_ends() -> None:
    line = LineZone((0.5, 0.2), (0.5, 0.8), (100, 100), dead_band=3)
    for x in (48, 51, 49, 52, 50, 48):  # wobbling on the line
        line.trigger(feet((x, 50), ids=[1]))
    for x in (90, 10):  # passes below the segment's end
        line.trigger(feet((x, 95), ids=[2]))
    assert (line.in_count, line.out_count) == (0, 0)
    line.trigger(feet((60, 50), ids=[3]))
    line.forget(np.array([3]))
    assert line.trigger(feet((40, 50), ids=[3]))[0].tolist() == [False]  # its old side was forgotten


def test_line_without_tracker_ids_counts_nothing() -> None:
    line = LineZone((0.5, 0.0), (0.5, 1.0), (100, 100))
    assert line.trigger(feet((20, 50)))[0].tolist() == [False]
    with pytest.raises(ValueError, match="start and end coincide"):
        LineZone((0.5, 0.5), (0.5, 0.5), (100, 100))


def test_homography_measures_ground_distance_and_speed() -> None:
    # A trapezoid in the image (perspective) that is a 10 m x 20 m rectangle on the ground.
    calibration = GroundCalibration(
        [(0.4, 0.2), (0.6, 0.2), (0.9, 0.9), (0.1, 0.9)], [(0, 20), (10, 20), (10, 0), (0, 0)], (1000, 1000)
    )
    corners = calibration.to_ground(np.array([[100, 900], [900, 900], [500, 200]]))
    assert corners == pytest.approx(np.array([[0, 0], [10, 0], [5, 20]]), abs=1e-6)
    # Along the near edge: 800 px = 10 m; crossing it in 5 s is 2 m/s.
    history = np.array([[0, 100, 900], [2.5, 500, 900], [5, 900, 900]], np.float64)
    assert calibration.speed(history) == pytest.approx(2.0)
    speeds = calibration.speeds(history[:1, 1:], history[2:, 1:], np.array([5.0]))
    assert speeds.tolist() == pytest.approx([2.0])


@pytest.mark.parametrize(
    ("image", "ground", "message"),
    [
        ([(0, 0), (1, 0), (1, 1)], [(0, 0), (1, 0), (1, 1)], "at least 4 point pairs"),
        ([(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (1, 0)], "4 image points but 2 ground points"),
        (
            [(0, 0), (0.5, 0), (1, 0), (0.2, 0)],
            [(0, 0), (1, 0), (2, 0), (3, 3)],
            "do not define a homography",
        ),
    ],
)
def test_bad_calibration_is_refused(
    image: list[tuple[float, float]], ground: list[tuple[float, float]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        GroundCalibration(image, ground, (640, 480), name="cam1")


@pytest.mark.parametrize(
    ("spec", "days", "when", "active"),
    [
        ("08:00-18:00", "mon-sun", datetime(2024, 5, 1, 12, 0), True),
        ("08:00-18:00", "mon-sun", datetime(2024, 5, 1, 18, 0), False),
        ("22:00-06:00", "mon-sun", datetime(2024, 5, 1, 23, 30), True),
        ("22:00-06:00", "mon-sun", datetime(2024, 5, 1, 3, 0), True),
        ("22:00-06:00", "mon-sun", datetime(2024, 5, 1, 12, 0), False),
        ("22:00-06:00", "fri", datetime(2024, 5, 4, 3, 0), True),  # Saturday night-time belongs to Friday
        ("22:00-06:00", "fri", datetime(2024, 5, 3, 3, 0), False),  # Friday 03:00 belongs to Thursday
        ("08:00-12:00, 14:00-18:00", "mon-fri", datetime(2024, 5, 1, 13, 0), False),
        ("08:00-12:00, 14:00-18:00", "mon-fri", datetime(2024, 5, 1, 15, 0), True),
        ("08:00-18:00", "sat,sun", datetime(2024, 5, 1, 12, 0), False),
        ("00:00-24:00", "sun-mon", datetime(2024, 5, 6, 23, 59), True),  # wraps the week: Monday
    ],
)
def test_schedule_windows(spec: str, days: str, when: datetime, active: bool) -> None:
    assert Schedule.parse(spec, days).active(when) is active


@pytest.mark.parametrize(
    ("spec", "days", "message"),
    [
        ("8-18", "mon-sun", "not a time window"),
        ("08:00-08:00", "mon-sun", "starts and ends at the same time"),
        ("07:61-08:00", "mon-sun", "impossible time of day"),
        ("08:00-18:00", "monday", "not a day or range"),
    ],
)
def test_bad_schedules_name_the_key(spec: str, days: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"rules.r.schedule.*{message}"):
        Schedule.parse(spec, days, key="rules.r.schedule")
