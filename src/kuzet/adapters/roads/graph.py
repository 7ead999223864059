"""A networkx road graph (nodes with ``lat``/``lon``, edges with ``travel_s``) as a RoadNetwork."""

from __future__ import annotations

from typing import Any

from kuzet.domain.geo import GeoPoint
from kuzet.services.operations.routing import RoadEdge, RoadNetwork


def network_from_graph(graph: Any) -> RoadNetwork:
    """``graph`` is a networkx DiGraph as built by ``kuzet.sim`` or the file importers."""
    positions = {node: GeoPoint(data["lat"], data["lon"]) for node, data in graph.nodes(data=True)}
    edges = (RoadEdge(a, b, float(data["travel_s"])) for a, b, data in graph.edges(data=True))
    return RoadNetwork.build(positions, edges)
