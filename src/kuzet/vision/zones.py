"""Where and when: polygon zones, directed lines, ground calibration and schedules.

Operators draw zones on a camera image as fractions 0..1 of its width and height (the site file stores
them so), because the analytics may run on a sub-stream of another resolution; each zone is converted to
pixels for one frame size. ``trigger`` takes a whole ``Detections`` and returns masks (after supervision),
so a rule never loops over objects. A bad zone fails at start with the key that is wrong.

>>> zone = PolygonZone([(0, 0), (0.5, 0), (0.5, 1), (0, 1)], (640, 480), name="left-half")
>>> zone.trigger(Detections.from_arrays([[10, 10, 50, 90], [400, 10, 450, 90]])).tolist()
[True, False]
>>> Schedule.parse("22:00-06:00").active(datetime(2024, 5, 1, 23, 30))
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import cv2
import numpy as np
import shapely  # type: ignore[import-untyped]
from numpy.typing import NDArray

from kuzet.vision.detections import Anchor, Detections

Point = tuple[float, float]
FrameSize = tuple[int, int]  # (width, height) in pixels


def to_pixels(points: Sequence[Point], frame_size: FrameSize, key: str) -> NDArray[np.float64]:
    """Fractions 0..1 of the frame → pixels; ValueError naming ``key`` for a point outside the frame."""
    array = np.asarray(points, np.float64).reshape(-1, 2)
    outside = np.flatnonzero(~((array >= 0) & (array <= 1)).all(axis=1))
    if len(outside):
        i = int(outside[0])
        raise ValueError(
            f"{key}[{i}]: point {tuple(array[i].tolist())} lies outside the frame (use fractions 0..1)"
        )
    return array * np.asarray(frame_size, np.float64)


class PolygonZone:
    """An area of the image; an object is in it when its anchor point (feet by default) is."""

    def __init__(
        self,
        points: Sequence[Point],
        frame_size: FrameSize,
        *,
        name: str = "zone",
        anchor: Anchor = "bottom_center",
    ) -> None:
        if len(points) < 3:
            raise ValueError(f"{name}.points: a polygon needs at least 3 points, got {len(points)}")
        self.name, self.anchor, self.frame_size = name, anchor, frame_size
        self.points = to_pixels(points, frame_size, f"{name}.points")
        self.polygon = shapely.Polygon(self.points)
        if self.polygon.convex_hull.area <= 1.0:
            raise ValueError(f"{name}.points: degenerate polygon (no area; are the points on one line?)")
        if not self.polygon.is_valid:
            raise ValueError(
                f"{name}.points: the polygon crosses itself ({shapely.is_valid_reason(self.polygon)})"
            )
        shapely.prepare(self.polygon)

    def contains(self, points: NDArray[np.floating[Any]]) -> NDArray[np.bool_]:
        """[N] mask of which [N, 2] pixel points lie inside (the border counts as inside)."""
        if not len(points):
            return np.zeros(0, np.bool_)
        xy = np.asarray(points, np.float64)
        return np.asarray(shapely.intersects_xy(self.polygon, xy[:, 0], xy[:, 1]), np.bool_)

    def trigger(self, detections: Detections) -> NDArray[np.bool_]:
        return self.contains(detections.anchor(self.anchor))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        x1, y1, x2, y2 = self.polygon.bounds
        return float(x1), float(y1), float(x2), float(y2)


class LineZone:
    """A directed line segment that counts crossings per tracked object.

    Looking from ``start`` towards ``end``, crossing from the left-hand side to the right-hand side is
    ``in`` and the opposite is ``out`` (image coordinates, y down). Anchors within ``dead_band`` pixels of
    the line keep their previous side, so jitter on the line does not count as crossings.
    """

    def __init__(
        self,
        start: Point,
        end: Point,
        frame_size: FrameSize,
        *,
        name: str = "line",
        anchor: Anchor = "bottom_center",
        dead_band: float = 2.0,
    ) -> None:
        self.name, self.anchor, self.dead_band = name, anchor, dead_band
        self.start, self.end = to_pixels([start, end], frame_size, f"{name}.points")
        self.vector = self.end - self.start
        self.length = float(np.hypot(*self.vector))
        if self.length < 1.0:
            raise ValueError(f"{name}.points: the line's start and end coincide")
        self.frame_size = frame_size
        self.in_count = 0
        self.out_count = 0
        self._ids = np.empty(0, np.int64)  # sorted tracker ids with a known side
        self._sides = np.empty(0, np.int8)

    def fresh(self) -> LineZone:
        """The same line with zero counts and no remembered sides (each rule keeps its own)."""
        width, height = self.frame_size
        start = (float(self.start[0] / width), float(self.start[1] / height))
        end = (float(self.end[0] / width), float(self.end[1] / height))
        return LineZone(
            start, end, self.frame_size, name=self.name, anchor=self.anchor, dead_band=self.dead_band
        )

    def side(self, points: NDArray[np.floating[Any]]) -> NDArray[np.int8]:
        """+1 right of the line, -1 left, 0 within the dead band; 2 beyond the segment's ends."""
        rel = np.asarray(points, np.float64).reshape(-1, 2) - self.start
        cross = (self.vector[0] * rel[:, 1] - self.vector[1] * rel[:, 0]) / self.length
        along = (rel @ self.vector) / self.length**2
        side = np.sign(cross) * (np.abs(cross) > self.dead_band)
        return np.where((along >= 0) & (along <= 1), side, 2).astype(np.int8)

    def trigger(self, detections: Detections) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """Masks (crossed_in, crossed_out) of detections whose tracker id changed side since last seen.

        Going round the end of the segment is not a crossing: beyond the ends the side is forgotten.
        """
        n = len(detections)
        if detections.tracker_id is None or n == 0:
            return np.zeros(n, np.bool_), np.zeros(n, np.bool_)
        ids, side = detections.tracker_id, self.side(detections.anchor(self.anchor))
        previous = np.zeros(n, np.int8)
        if len(self._ids):
            pos = np.searchsorted(self._ids, ids).clip(0, len(self._ids) - 1)
            previous = np.where(self._ids[pos] == ids, self._sides[pos], 0).astype(np.int8)
        current = np.where(side == 2, 0, np.where(side == 0, previous, side)).astype(np.int8)
        crossed_in = (previous == -1) & (current == 1)
        crossed_out = (previous == 1) & (current == -1)
        self.in_count += int(crossed_in.sum())
        self.out_count += int(crossed_out.sum())
        self._remember(ids, current)
        return crossed_in, crossed_out

    def clear(self) -> None:
        """Forget every remembered side (counts are kept)."""
        self._ids, self._sides = np.empty(0, np.int64), np.empty(0, np.int8)

    def forget(self, tracker_ids: NDArray[np.int64]) -> None:
        """Drop the remembered side of ended tracks."""
        keep = ~np.isin(self._ids, tracker_ids)
        self._ids, self._sides = self._ids[keep], self._sides[keep]

    def _remember(self, ids: NDArray[np.int64], sides: NDArray[np.int8]) -> None:
        merged_ids = np.concatenate([ids, self._ids])
        merged_sides = np.concatenate([sides, self._sides])
        unique, first = np.unique(merged_ids, return_index=True)  # first occurrence = the new side
        self._ids, self._sides = unique, merged_sides[first]


class GroundCalibration:
    """Image → ground-plane metres through a homography fitted to ≥ 4 measured point pairs.

    ``image_points`` are fractions 0..1 of a frame of ``frame_size``; ``ground_points`` are metres on a
    local flat ground plane (e.g. from a site survey or a map).
    """

    def __init__(
        self,
        image_points: Sequence[Point],
        ground_points: Sequence[Point],
        frame_size: FrameSize,
        *,
        name: str = "calibration",
    ) -> None:
        if len(image_points) != len(ground_points):
            raise ValueError(
                f"{name}: {len(image_points)} image points but {len(ground_points)} ground points"
            )
        if len(image_points) < 4:
            raise ValueError(f"{name}.image_points: a homography needs at least 4 point pairs")
        image = to_pixels(image_points, frame_size, f"{name}.image_points").astype(np.float32)
        ground = np.asarray(ground_points, np.float32)
        matrix, _ = cv2.findHomography(image, ground, 0)
        if matrix is None or abs(np.linalg.det(matrix)) < 1e-12:
            raise ValueError(f"{name}: the points do not define a homography (three or more on one line?)")
        self.matrix: NDArray[np.float64] = np.asarray(matrix, np.float64)
        self.frame_size = frame_size

    def to_ground(self, points: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        """[N, 2] pixel points → [N, 2] ground metres."""
        xy = np.asarray(points, np.float64).reshape(-1, 1, 2)
        if not len(xy):
            return np.empty((0, 2))
        return np.asarray(cv2.perspectiveTransform(xy, self.matrix), np.float64).reshape(-1, 2)

    def speeds(
        self,
        start: NDArray[np.floating[Any]],
        end: NDArray[np.floating[Any]],
        seconds: NDArray[np.floating[Any]],
    ) -> NDArray[np.float64]:
        """Ground speeds (m/s) of [N] objects moving from ``start`` to ``end`` pixels in ``seconds``."""
        metres = np.hypot(*(self.to_ground(end) - self.to_ground(start)).T)
        speed: NDArray[np.float64] = np.divide(
            metres, seconds, out=np.zeros_like(metres), where=np.asarray(seconds) > 0
        )
        return speed

    def speed(self, history: NDArray[np.floating[Any]]) -> float:
        """Mean ground speed (m/s) along a [K, 3] (time, x, y) track history."""
        if len(history) < 2 or history[-1, 0] <= history[0, 0]:
            return 0.0
        path = np.hypot(*np.diff(self.to_ground(history[:, 1:]), axis=0).T).sum()
        return float(path / (history[-1, 0] - history[0, 0]))


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Daily time windows on chosen weekdays, e.g. ``Schedule.parse("22:00-06:00", "mon-fri")``.

    A window that ends before it starts runs across midnight and belongs to the day it starts on
    (Friday's 22:00-06:00 covers Saturday 03:00). The datetime is read in its own local time.
    """

    windows: tuple[tuple[int, int], ...]  # (start, end) minutes after midnight; end may exceed 1440
    days: frozenset[int]  # 0 = Monday

    @classmethod
    def parse(cls, spec: str, days: str = "mon-sun", *, key: str = "schedule") -> Schedule:
        windows = []
        for part in (p.strip() for p in spec.split(",")):
            match = _WINDOW.match(part)
            if not match:
                raise ValueError(f"{key}: {part!r} is not a time window like '08:00-18:00'")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
                raise ValueError(f"{key}: {part!r} has an impossible time of day")
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if start == end:
                raise ValueError(f"{key}: {part!r} starts and ends at the same time (use 00:00-24:00)")
            windows.append((start, end if end > start else end + 1440))
        return cls(tuple(windows), _parse_days(days, f"{key}.days"))

    def active(self, when: datetime) -> bool:
        minute = when.hour * 60 + when.minute + when.second / 60
        for start, end in self.windows:
            if when.weekday() in self.days and start <= minute < end:
                return True
            yesterday = (when - timedelta(days=1)).weekday()
            if end > 1440 and yesterday in self.days and minute < end - 1440:
                return True
        return False


def _parse_days(spec: str, key: str) -> frozenset[int]:
    days: set[int] = set()
    for part in (p.strip().lower() for p in spec.split(",")):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(f"{key}: {part!r} is not a day or range like 'mon-fri'")
        a, b = _DAYS.index(first), _DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    return frozenset(days)
