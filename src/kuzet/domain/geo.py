"""Geographic value objects."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS-84 position in degrees.

    >>> GeoPoint(43.2383, 76.9453).distance_m(GeoPoint(43.2383, 76.9553)) > 800
    True
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"latitude {self.lat} is outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"longitude {self.lon} is outside -180..180")

    def distance_m(self, other: GeoPoint) -> float:
        """Great-circle (haversine) distance in metres."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp, dl = p2 - p1, math.radians(other.lon - self.lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class GeoBounds:
    """The map the center covers; positions outside it are rejected as bad fixes."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, point: GeoPoint) -> bool:
        return self.min_lat <= point.lat <= self.max_lat and self.min_lon <= point.lon <= self.max_lon

    def widened(self, metres: float) -> GeoBounds:
        dlat = metres / (EARTH_RADIUS_M * math.pi / 180)
        dlon = dlat / max(math.cos(math.radians((self.min_lat + self.max_lat) / 2)), 1e-6)
        return GeoBounds(self.min_lat - dlat, self.min_lon - dlon, self.max_lat + dlat, self.max_lon + dlon)
