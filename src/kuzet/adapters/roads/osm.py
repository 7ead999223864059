"""Import a city's drivable roads from an OpenStreetMap XML extract (``.osm``).

Streams the file with ``iterparse`` (extracts of a whole city run to hundreds of MB), keeps ways with a
drivable ``highway`` tag, honours ``oneway`` (yes/1/true/-1) and ``maxspeed`` (km/h or mph), and falls
back to typical urban speeds per road class. Written here because the maintained OSM routers (OSRM,
Valhalla) are servers, and osmnx needs network access to fetch what we already have as a file.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from kuzet.domain.geo import GeoPoint
from kuzet.errors import ConfigError
from kuzet.services.operations.routing import RoadEdge, RoadNetwork

DEFAULT_SPEED_KMH = {
    "motorway": 90, "trunk": 70, "primary": 60, "secondary": 50, "tertiary": 40, "unclassified": 30,
    "residential": 30, "living_street": 10, "service": 15, "motorway_link": 50, "trunk_link": 40,
    "primary_link": 40, "secondary_link": 30, "tertiary_link": 30, "road": 30,
}  # fmt: skip
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?\s*$")


def _speed_kmh(tags: dict[str, str]) -> float:
    match = _SPEED.match(tags.get("maxspeed", ""))
    if match:
        value = float(match.group(1))
        return value * 1.609 if match.group(2) else value
    return float(DEFAULT_SPEED_KMH[tags["highway"]])


def _oneway(tags: dict[str, str]) -> int:
    """1: along the way's node order, -1: against it, 0: both ways."""
    value = tags.get("oneway", "")
    if value in {"yes", "1", "true"} or tags.get("junction") == "roundabout":
        return 1
    return -1 if value == "-1" else 0


def _parse(path: Path) -> tuple[dict[int, GeoPoint], list[tuple[list[int], dict[str, str]]]]:
    nodes: dict[int, GeoPoint] = {}
    ways: list[tuple[list[int], dict[str, str]]] = []
    for _, element in ET.iterparse(path, events=("end",)):  # noqa: S314
        if element.tag == "node":
            nodes[int(element.attrib["id"])] = GeoPoint(
                float(element.attrib["lat"]), float(element.attrib["lon"])
            )
            element.clear()
        elif element.tag == "way":
            tags = {t.attrib["k"]: t.attrib["v"] for t in element.iter("tag")}
            if tags.get("highway") in DEFAULT_SPEED_KMH:
                ways.append(([int(nd.attrib["ref"]) for nd in element.iter("nd")], tags))
            element.clear()
    return nodes, ways


def load_osm(path: Path) -> RoadNetwork:
    try:
        nodes, ways = _parse(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (ET.ParseError, KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid OpenStreetMap XML file: {exc}") from None
    edges: list[RoadEdge] = []
    used: set[int] = set()
    for refs, tags in ways:
        speed_ms = _speed_kmh(tags) / 3.6
        direction = _oneway(tags)
        for a, b in itertools.pairwise(refs):
            if a not in nodes or b not in nodes:
                continue  # the extract cut the way; keep what lies inside
            seconds = max(nodes[a].distance_m(nodes[b]) / speed_ms, 0.01)
            if direction >= 0:
                edges.append(RoadEdge(a, b, seconds))
            if direction <= 0:
                edges.append(RoadEdge(b, a, seconds))
            used.update((a, b))
    if not edges:
        raise ConfigError(f"{path}: no drivable roads (ways with a highway tag) found")
    return RoadNetwork.build({n: nodes[n] for n in used}, edges)
