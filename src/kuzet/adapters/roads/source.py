"""Which reader a ``KUZET_ROADS`` source needs: the simulated city's graph, an ``.osm`` or a ``.geojson``.

Dispatch (the road network) and the console's base map (the named streets) read the same source with
different readers; this is the one place that parses the setting and says what a bad one should be.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kuzet.errors import ConfigError

T = TypeVar("T")


def read_roads(
    source: str,
    *,
    graph: Callable[[Any], T],
    osm: Callable[[Path], T],
    geojson: Callable[[Path], T],
) -> T:
    """``sim:<seed>`` → ``graph(the simulated city's road graph)``; a path → ``osm`` or ``geojson``."""
    if source.startswith("sim:"):
        from kuzet.sim.city import generate_city  # only the demo's roads need the simulated city

        try:
            seed = int(source.removeprefix("sim:"))
        except ValueError:
            raise ConfigError(f"KUZET_ROADS: {source!r} must be sim:<integer seed>") from None
        return graph(generate_city(seed, camera_count=0, unit_count=0).road_graph)
    path = Path(source)
    if path.suffix.lower() == ".osm":
        return osm(path)
    if path.suffix.lower() in {".geojson", ".json"}:
        return geojson(path)
    raise ConfigError(f"KUZET_ROADS: {source!r} must be sim:<seed>, an .osm or a .geojson file")
