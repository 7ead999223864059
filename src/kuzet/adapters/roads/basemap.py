"""The console's base map from Kuzet's own data, as GeoJSON: no tile server is reachable from a control room.

Two layers. **Streets**: the road network dispatch routes on (``KUZET_ROADS``: the simulated city's grid,
an ``.osm`` extract or a ``.geojson`` file), read again with what routing drops (street names, road
classes, one-way), as LineStrings. Block-long pieces of one street (same name, class and direction) are
merged into one line where they meet end to end, so a label is placed once per street and the payload
stays small. A one-way street's line runs in its driving direction. **Districts**: the area of each
district. Kuzet knows a district by its centre (the site file has no boundaries), and the simulated city
assigns a place to the district of the nearest centre, so the areas are the centres' Voronoi cells
(distances in locally projected metres, as the city measures them) clipped to the map's bounds.

``BaseMap`` builds each layer once per process (the districts again only when they change) and keeps it
as JSON bytes.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kuzet.adapters.roads.source import read_roads
from kuzet.domain.cameras.model import District
from kuzet.domain.geo import GeoBounds, GeoPoint
from kuzet.errors import ConfigError

N = TypeVar("N", bound=Hashable)
Position = tuple[float, float]  # (lon, lat), GeoJSON's order
DIGITS = 6  # ~0.1 m: finer than any street, and a third fewer bytes than full floats
UNNAMED_CLASS = "road"


@dataclass(frozen=True, slots=True)
class StreetKind:
    """What joins pieces of road into one line: the same name, class and one-way-ness."""

    name: str | None
    road_class: str
    one_way: bool


@dataclass(frozen=True, slots=True)
class Street:
    """One drawn line of a street: ``points`` as (lon, lat), in driving order when one-way."""

    kind: StreetKind
    points: tuple[Position, ...]


def chains(segments: Sequence[tuple[N, N]], directed: bool) -> list[list[N]]:
    """Join segments into the fewest paths that do not pass a junction; a loop comes back to its start.

    A path goes on through a node with exactly one way in and one way out (two neighbours when
    undirected), so it stops at a junction or an end. Directed segments are followed in their direction.

    >>> chains([(1, 2), (2, 3), (3, 4)], directed=False)
    [[1, 2, 3, 4]]
    >>> chains([(2, 3), (1, 2), (2, 5)], directed=True)
    [[2, 3], [2, 5], [1, 2]]
    """
    leaving: dict[N, list[tuple[int, N]]] = defaultdict(list)
    arriving: dict[N, int] = defaultdict(int)
    for i, (a, b) in enumerate(segments):
        leaving[a].append((i, b))
        arriving[b] += 1
        if not directed:
            leaving[b].append((i, a))

    def passes_through(node: N) -> bool:
        if directed:
            return arriving[node] == 1 and len(leaving[node]) == 1
        return len(leaving[node]) == 2

    used = [False] * len(segments)

    def walk(start: N) -> list[N]:
        path, node = [start], start
        while True:
            step = next(((i, b) for i, b in leaving[node] if not used[i]), None)
            if step is None:
                return path
            used[step[0]] = True
            node = step[1]
            path.append(node)
            if node == start or not passes_through(node):
                return path

    paths: list[list[N]] = []
    for node in [n for n in leaving if not passes_through(n)] + list(leaving):  # ends first, then loops
        while any(not used[i] for i, _ in leaving[node]):
            paths.append(walk(node))
    return paths


def merge(pieces: Iterable[tuple[StreetKind, N, N]], positions: dict[N, Position]) -> list[Street]:
    """Streets from block-long pieces: each kind's pieces joined end to end (two-way pieces once)."""
    by_kind: dict[StreetKind, dict[tuple[N, N], None]] = defaultdict(dict)
    for kind, a, b in pieces:
        if a == b:
            continue
        segments = by_kind[kind]
        if kind.one_way or (b, a) not in segments:
            segments[a, b] = None
    streets = []
    for kind, segments in by_kind.items():
        for path in chains(list(segments), directed=kind.one_way):
            points = tuple(positions[node] for node in path)
            if len(set(points)) >= 2:
                streets.append(Street(kind, points))
    return streets


def _position(point: GeoPoint) -> Position:
    return (round(point.lon, DIGITS), round(point.lat, DIGITS))


def streets_from_graph(graph: Any) -> list[Street]:
    """``graph``: a networkx DiGraph as ``kuzet.sim`` builds it (nodes: lat, lon; edges: name,
    road_class, one_way)."""
    positions = {node: _position(GeoPoint(d["lat"], d["lon"])) for node, d in graph.nodes(data=True)}
    pieces = (
        (StreetKind(d.get("name"), str(d.get("road_class", UNNAMED_CLASS)), bool(d.get("one_way"))), a, b)
        for a, b, d in graph.edges(data=True)
    )
    return merge(pieces, positions)


def streets_from_osm(path: Path) -> list[Street]:
    """The drivable ways of an OpenStreetMap extract, as the dispatch import reads them."""
    import xml.etree.ElementTree as ET

    from kuzet.adapters.roads import osm

    try:
        nodes, ways = osm._parse(path)  # the dispatch import's own reading of the file
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (ET.ParseError, KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid OpenStreetMap XML file: {exc}") from None
    pieces: list[tuple[StreetKind, int, int]] = []
    for refs, tags in ways:
        direction = osm._oneway(tags)
        kind = StreetKind(tags.get("name"), tags["highway"], direction != 0)
        ordered = refs[::-1] if direction < 0 else refs
        pieces += [(kind, a, b) for a, b in itertools.pairwise(ordered) if a in nodes and b in nodes]
    used = {n for _, a, b in pieces for n in (a, b)}
    return merge(pieces, {n: _position(nodes[n]) for n in used})


def streets_from_geojson(path: Path) -> list[Street]:
    """LineStrings and MultiLineStrings with ``name``, ``road_class`` (or ``highway``) and ``oneway``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from None
    pieces: list[tuple[StreetKind, Position, Position]] = []
    for i, feature in enumerate(data.get("features", []) if isinstance(data, dict) else []):
        props = feature.get("properties") or {}
        road_class = props.get("road_class") or props.get("highway") or UNNAMED_CLASS
        kind = StreetKind(props.get("name"), str(road_class), bool(props.get("oneway", False)))
        geometry = feature.get("geometry") or {}
        lines = geometry.get("coordinates") or []
        for line in [lines] if geometry.get("type") == "LineString" else lines:
            try:
                points = [_position(GeoPoint(lat, lon)) for lon, lat, *_ in line]
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{path}: features[{i}]: bad coordinates: {exc}") from None
            pieces += [(kind, a, b) for a, b in itertools.pairwise(points)]
    return merge(pieces, {p: p for _, a, b in pieces for p in (a, b)})


def load_streets(source: str) -> list[Street]:
    """The streets of a ``KUZET_ROADS`` source: ``sim:<seed>``, an ``.osm`` or a ``.geojson`` file."""
    return read_roads(source, graph=streets_from_graph, osm=streets_from_osm, geojson=streets_from_geojson)


def bbox(bounds: GeoBounds) -> list[float]:
    """GeoJSON's ``bbox``: west, south, east, north."""
    return [round(v, DIGITS) for v in (bounds.min_lon, bounds.min_lat, bounds.max_lon, bounds.max_lat)]


def streets_geojson(streets: Iterable[Street], bounds: GeoBounds) -> dict[str, Any]:
    """A FeatureCollection of LineStrings with ``name``, ``road_class`` and ``one_way``."""
    return {
        "type": "FeatureCollection",
        "bbox": bbox(bounds),
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in street.points]},
                "properties": {
                    "name": street.kind.name,
                    "road_class": street.kind.road_class,
                    "one_way": street.kind.one_way,
                },
            }
            for street in streets
        ],
    }


def district_areas(districts: Sequence[District], bounds: GeoBounds) -> list[list[Position]]:
    """Each district's area (an outer ring, counter-clockwise and closed; empty when it lies off the map):
    the points nearer its centre than any other, within ``bounds``."""
    import numpy as np
    import shapely  # type: ignore[import-untyped]
    from scipy.spatial import Voronoi

    if not districts:
        return []
    # Metres east and north around the centres' mean latitude, as the simulated city measures distance.
    scale = math.cos(math.radians(sum(d.center.lat for d in districts) / len(districts)))
    centres = np.array([(d.center.lon * scale, d.center.lat) for d in districts])
    box = shapely.box(bounds.min_lon * scale, bounds.min_lat, bounds.max_lon * scale, bounds.max_lat)
    unique, first = np.unique(centres, axis=0, return_inverse=True)
    # Four far corners close every real cell, so qhull never leaves one open (and takes 1 or 2 centres).
    reach = 10 * max(np.ptp(np.vstack([unique, np.array(box.bounds).reshape(2, 2)]), axis=0).max(), 1e-6)
    middle = unique.mean(axis=0)
    corners = middle + reach * np.array([(-1, -1), (-1, 1), (1, -1), (1, 1)])
    voronoi = Voronoi(np.vstack([unique, corners]))
    areas = []
    for index in np.ravel(first):
        cell = shapely.Polygon(voronoi.vertices[voronoi.regions[voronoi.point_region[index]]])
        area = shapely.orient_polygons(shapely.intersection(cell.convex_hull, box))
        ring = list(area.exterior.coords) if isinstance(area, shapely.Polygon) and not area.is_empty else []
        areas.append([(round(x / scale, DIGITS), round(y, DIGITS)) for x, y in ring])
    return areas


def districts_geojson(districts: Sequence[District], bounds: GeoBounds) -> dict[str, Any]:
    """A FeatureCollection of Polygons with the district's ``id`` and ``name``."""
    return {
        "type": "FeatureCollection",
        "bbox": bbox(bounds),
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
                "properties": {"id": district.id, "name": district.name},
            }
            for district, ring in zip(districts, district_areas(districts, bounds), strict=True)
            if len(ring) >= 4
        ],
    }


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class BaseMap:
    """The base map's layers as JSON, built on first use and kept for the life of the process."""

    def __init__(self, roads: str, bounds: GeoBounds) -> None:
        self.roads, self.bounds = roads, bounds
        self._lock = threading.Lock()
        self._streets: bytes | None = None
        self._districts: tuple[tuple[District, ...], bytes] | None = None

    def streets(self) -> bytes:
        with self._lock:
            if self._streets is None:
                self._streets = _json(streets_geojson(load_streets(self.roads), self.bounds))
            return self._streets

    def districts(self, districts: Sequence[District]) -> bytes:
        """The districts' layer; rebuilt only when the districts differ from the last call's."""
        key = tuple(districts)
        with self._lock:
            if self._districts is None or self._districts[0] != key:
                self._districts = (key, _json(districts_geojson(key, self.bounds)))
            return self._districts[1]
