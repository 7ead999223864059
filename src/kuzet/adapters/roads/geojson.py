"""Import roads from a GeoJSON FeatureCollection of LineStrings (properties: speed_kmh, oneway)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from kuzet.domain.geo import GeoPoint
from kuzet.errors import ConfigError
from kuzet.services.operations.routing import RoadEdge, RoadNetwork

DEFAULT_SPEED_KMH = 40.0


def _lines(feature: Any, where: str) -> list[list[list[float]]]:
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "LineString":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiLineString":
        return list(geometry["coordinates"])
    raise ConfigError(f"{where}: geometry must be a LineString or MultiLineString")


def load_geojson(path: Path) -> RoadNetwork:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from None
    positions: dict[tuple[float, float], GeoPoint] = {}
    edges: list[RoadEdge] = []
    for i, feature in enumerate(data.get("features", []) if isinstance(data, dict) else []):
        where = f"{path}: features[{i}]"
        props = feature.get("properties") or {}
        speed_ms = float(props.get("speed_kmh", DEFAULT_SPEED_KMH)) / 3.6
        oneway = bool(props.get("oneway", False))
        for line in _lines(feature, where):
            try:
                points = [(round(lon, 7), round(lat, 7)) for lon, lat, *_ in line]
                for key in points:
                    positions.setdefault(key, GeoPoint(key[1], key[0]))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{where}: bad coordinates: {exc}") from None
            for a, b in itertools.pairwise(points):
                seconds = max(positions[a].distance_m(positions[b]) / speed_ms, 0.01)
                edges.append(RoadEdge(a, b, seconds))
                if not oneway:
                    edges.append(RoadEdge(b, a, seconds))
    if not edges:
        raise ConfigError(f"{path}: no LineString roads found")
    return RoadNetwork.build(positions, edges)
