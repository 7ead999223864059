"""The simulated road network: a jittered street grid over the city's bounding box.

Dispatch ranks patrol units by road travel time, not by straight-line distance, so the simulated city
needs streets with realistic speeds and one-way lanes. A jittered grid is close to central Almaty's own
layout (avenues about every three kilometres, streets and lanes between them) and is cheap to generate
deterministically from a seed. The grid is built so that it is always strongly connected: the outer
ring and every avenue and street are two-way, and only interior lanes may be one-way.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

from kuzet.domain.geo import EARTH_RADIUS_M, GeoPoint

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

METRES_PER_DEGREE_LAT = EARTH_RADIUS_M * math.pi / 180.0

# Real Almaty avenue names, north to south and west to east, so the demo reads like the city.
EAST_WEST_AVENUES = (
    "Sholokhov St", "Rysqulov Ave", "Raiymbek Ave", "Gogol St",
    "Tole Bi St", "Abay Ave", "Timiryazev St", "Al-Farabi Ave",
)  # fmt: skip
NORTH_SOUTH_AVENUES = (
    "Momyshuly St", "Sain St", "Rozybakiev St", "Auezov St", "Abylai Khan Ave",
    "Zheltoksan St", "Nazarbayev Ave", "Dostyk Ave", "Suyunbay Ave",
)  # fmt: skip


class RoadClass(StrEnum):
    """How big a road is, which sets its speed limit."""

    AVENUE = "avenue"
    STREET = "street"
    LANE = "lane"

    @property
    def speed_kmh(self) -> float:
        return ROAD_SPEED_KMH[self]


ROAD_SPEED_KMH: dict[RoadClass, float] = {
    RoadClass.AVENUE: 60.0,
    RoadClass.STREET: 40.0,
    RoadClass.LANE: 20.0,
}


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A lat/lon rectangle; the simulated city lies inside it."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def __post_init__(self) -> None:
        if not (self.min_lat < self.max_lat and self.min_lon < self.max_lon):
            raise ValueError(f"bounding box {self} must have min < max on both axes")

    def contains(self, point: GeoPoint) -> bool:
        return self.min_lat <= point.lat <= self.max_lat and self.min_lon <= point.lon <= self.max_lon

    def clamp(self, lat: float, lon: float) -> GeoPoint:
        """The point inside the box nearest to (lat, lon)."""
        return GeoPoint(min(max(lat, self.min_lat), self.max_lat), min(max(lon, self.min_lon), self.max_lon))


@dataclass(frozen=True, slots=True)
class GridSpec:
    """The shape of the street grid; the defaults give 2,200 crossings about 450 m apart."""

    rows: int = 44  # east-west roads, north to south
    cols: int = 50  # north-south roads, west to east
    avenue_every: int = 6
    jitter: float = 0.25  # how far a crossing may move, as a share of the block size
    one_way_share: float = 0.35  # share of interior lanes that are one-way

    def __post_init__(self) -> None:
        if self.rows < 2 or self.cols < 2:
            raise ValueError("a road grid needs at least 2 rows and 2 columns")
        if not 0.0 <= self.jitter < 0.5:
            raise ValueError("jitter must be in [0, 0.5) so that crossings keep their order")


DEFAULT_GRID = GridSpec()


@dataclass(frozen=True, slots=True)
class _Line:
    """One straight road of the grid: its name, class and driving direction."""

    name: str
    road_class: RoadClass
    direction: int  # 0 two-way; +1 towards higher indices (east/south); -1 towards lower


class PointIndex:
    """Nearest-point lookups over a fixed set of points, vectorised with numpy.

    Uses an equirectangular metric, which is exact enough over a city.
    """

    def __init__(self, lats: Sequence[float] | FloatArray, lons: Sequence[float] | FloatArray) -> None:
        self._lats: FloatArray = np.asarray(lats, dtype=np.float64)
        self._lons: FloatArray = np.asarray(lons, dtype=np.float64)
        if self._lats.size == 0 or self._lats.shape != self._lons.shape:
            raise ValueError("a point index needs a non-empty set of points with matching lat/lon")
        self._lon_scale = math.cos(math.radians(float(np.mean(self._lats))))

    @classmethod
    def of(cls, points: Sequence[GeoPoint]) -> PointIndex:
        return cls([p.lat for p in points], [p.lon for p in points])

    def nearest(self, point: GeoPoint) -> int:
        """Position (0-based) of the indexed point nearest to `point`."""
        d2 = (self._lats - point.lat) ** 2 + ((self._lons - point.lon) * self._lon_scale) ** 2
        return int(np.argmin(d2))

    def nearest_many(self, lats: FloatArray, lons: FloatArray) -> IntArray:
        """Positions of the indexed points nearest to each query point (few indexed points only)."""
        d2 = (lats[:, None] - self._lats[None, :]) ** 2 + (
            (lons[:, None] - self._lons[None, :]) * self._lon_scale
        ) ** 2
        return np.asarray(np.argmin(d2, axis=1), dtype=np.intp)


def line_class(index: int, count: int, avenue_every: int) -> RoadClass:
    """Avenues every `avenue_every` lines, streets on even lines and the outer ring, lanes between."""
    if index % avenue_every == 0:
        return RoadClass.AVENUE
    if index % 2 == 0 or index == count - 1:
        return RoadClass.STREET
    return RoadClass.LANE


def _line_name(
    index: int, road_class: RoadClass, avenue_every: int, avenues: Sequence[str], kind: str
) -> str:
    if road_class is RoadClass.AVENUE:
        number = index // avenue_every
        return avenues[number] if number < len(avenues) else f"Avenue {kind} {number}"
    return f"{kind} {index}"


def _lines(
    rng: np.random.Generator, count: int, spec: GridSpec, avenues: Sequence[str], kind: str
) -> list[_Line]:
    lines = []
    for index in range(count):
        road_class = line_class(index, count, spec.avenue_every)
        direction = 0
        if road_class is RoadClass.LANE and rng.random() < spec.one_way_share:
            direction = 1 if rng.random() < 0.5 else -1
        lines.append(
            _Line(_line_name(index, road_class, spec.avenue_every, avenues, kind), road_class, direction)
        )
    return lines


def _crossings(
    rng: np.random.Generator, bounds: BoundingBox, spec: GridSpec
) -> tuple[FloatArray, FloatArray]:
    """Lat/lon of every crossing, row-major with row 0 in the north: node id = row * cols + col."""
    dlat = (bounds.max_lat - bounds.min_lat) / spec.rows
    dlon = (bounds.max_lon - bounds.min_lon) / spec.cols
    rows = np.arange(spec.rows, dtype=np.float64)[:, None]
    cols = np.arange(spec.cols, dtype=np.float64)[None, :]
    shape = (spec.rows, spec.cols)
    lats = bounds.max_lat - (rows + 0.5) * dlat + rng.uniform(-spec.jitter, spec.jitter, shape) * dlat
    lons = bounds.min_lon + (cols + 0.5) * dlon + rng.uniform(-spec.jitter, spec.jitter, shape) * dlon
    return lats.ravel(), lons.ravel()


def _segments(
    spec: GridSpec, rows: Sequence[_Line], cols: Sequence[_Line]
) -> Iterator[tuple[int, int, _Line]]:
    """Every block-long piece of road as (lower node, higher node, line)."""
    for i, line in enumerate(rows):
        for j in range(spec.cols - 1):
            yield i * spec.cols + j, i * spec.cols + j + 1, line
    for j, line in enumerate(cols):
        for i in range(spec.rows - 1):
            yield i * spec.cols + j, (i + 1) * spec.cols + j, line


def _add_segment(graph: nx.DiGraph, a: int, b: int, line: _Line) -> None:
    start = GeoPoint(graph.nodes[a]["lat"], graph.nodes[a]["lon"])
    end = GeoPoint(graph.nodes[b]["lat"], graph.nodes[b]["lon"])
    length_m = start.distance_m(end)
    speed_kmh = line.road_class.speed_kmh
    attrs = {
        "length_m": length_m,
        "speed_kmh": speed_kmh,
        "travel_s": length_m / (speed_kmh / 3.6),
        "road_class": line.road_class.value,
        "name": line.name,
        "one_way": line.direction != 0,
    }
    if line.direction >= 0:
        graph.add_edge(a, b, **attrs)
    if line.direction <= 0:
        graph.add_edge(b, a, **attrs)


def build_road_graph(
    rng: np.random.Generator,
    bounds: BoundingBox,
    district_ids: Sequence[str],
    district_centers: Sequence[GeoPoint],
    spec: GridSpec = DEFAULT_GRID,
) -> nx.DiGraph:
    """A strongly connected street grid; nodes carry lat, lon, district_id (nearest center).

    Edges carry length_m (haversine), speed_kmh, travel_s, road_class, name and one_way.
    """
    lats, lons = _crossings(rng, bounds, spec)
    district_of_node = PointIndex.of(district_centers).nearest_many(lats, lons)
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (node, {"lat": float(lats[node]), "lon": float(lons[node]), "district_id": district_ids[d]})
        for node, d in enumerate(district_of_node.tolist())
    )
    rows = _lines(rng, spec.rows, spec, EAST_WEST_AVENUES, "Street")
    cols = _lines(rng, spec.cols, spec, NORTH_SOUTH_AVENUES, "Line")
    for a, b, line in _segments(spec, rows, cols):
        _add_segment(graph, a, b, line)
    return graph


def nodes_on(graph: nx.DiGraph, road_class: RoadClass) -> tuple[int, ...]:
    """Nodes touched by a road of the given class, in ascending order."""
    nodes = {n for u, v, c in graph.edges(data="road_class") if c == road_class.value for n in (u, v)}
    return tuple(sorted(nodes))
