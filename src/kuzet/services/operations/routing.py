"""Travel times on a road network, for sending the unit that arrives first, not the nearest as the crow flies.

The graph becomes a sparse matrix of edge travel seconds once; a query is one single-source Dijkstra in
compiled code (``scipy.sparse.csgraph``) run backwards from the incident over the transposed matrix,
which yields every node's time *to* the incident at once, so ranking 1,000 units costs one search.
The same search keeps each node's next hop towards the incident, so the road path a unit's ETA was
computed on is read back by following next hops (``RouteTree.path``), at no second search.
Positions snap to the nearest road node through a k-d tree on locally projected metres.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from kuzet.domain.geo import EARTH_RADIUS_M, GeoPoint

FloatArray = npt.NDArray[np.float64]
K = TypeVar("K", bound=Hashable)
IntArray = npt.NDArray[np.intp]
ACCESS_SPEED_MS = 15 / 3.6  # from a position to its nearest road node: slow driving or a brisk walk
_M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0


@dataclass(frozen=True, slots=True)
class RoadEdge:
    source: Hashable
    target: Hashable
    travel_s: float


@dataclass(frozen=True, slots=True)
class RouteTree:
    """One search from a target: each node's seconds to it and the next node on the fastest way there."""

    network: RoadNetwork
    target: GeoPoint
    target_node: int
    target_gap_m: float
    node_times: FloatArray
    next_hop: IntArray  # negative: no next hop (the target node itself, or unreachable)

    def times_from(self, lats: FloatArray, lons: FloatArray) -> FloatArray:
        """Seconds from each origin to the target (``inf`` when unreachable or over the search's limit)."""
        origin_nodes, origin_gaps = self.network.snap(lats, lons)
        access_s = (origin_gaps + self.target_gap_m) / ACCESS_SPEED_MS
        return np.asarray(self.node_times[origin_nodes] + access_s, dtype=np.float64)

    def path(self, origin: GeoPoint) -> list[tuple[float, float]]:
        """The road path from ``origin`` to the target as ``(lon, lat)`` points, both ends included.

        Empty when the target cannot be reached from there.
        """
        (node,), _ = self.network.snap(np.array([origin.lat]), np.array([origin.lon]))
        if not np.isfinite(self.node_times[node]):
            return []
        nodes = [int(node)]
        while nodes[-1] != self.target_node and self.next_hop[nodes[-1]] >= 0:
            nodes.append(int(self.next_hop[nodes[-1]]))
        lons, lats = self.network.lons[nodes].tolist(), self.network.lats[nodes].tolist()
        return [(origin.lon, origin.lat), *zip(lons, lats, strict=True), (self.target.lon, self.target.lat)]


class RoadNetwork:
    """Nodes with positions and directed edges with travel seconds.

    >>> net = RoadNetwork.build({"a": GeoPoint(43.0, 76.0), "b": GeoPoint(43.0, 76.01)},
    ...                         [RoadEdge("a", "b", 60.0), RoadEdge("b", "a", 60.0)])
    >>> round(float(net.times_to(GeoPoint(43.0, 76.01), [GeoPoint(43.0, 76.0)])[0]))
    60
    """

    def __init__(
        self, node_ids: list[Hashable], lats: FloatArray, lons: FloatArray, matrix: csr_matrix
    ) -> None:
        if not len(node_ids):
            raise ValueError("a road network needs at least one node")
        self.node_ids = node_ids
        self.lats, self.lons = lats, lons
        self._to_target = matrix.transpose().tocsr()  # reversed edges: a search from the target
        self._lat0 = float(np.mean(lats))
        self._tree = cKDTree(self._project(lats, lons))

    @classmethod
    def build(cls, positions: Mapping[K, GeoPoint], edges: Iterable[RoadEdge]) -> RoadNetwork:
        node_ids: list[Hashable] = list(positions)
        index = {node: i for i, node in enumerate(node_ids)}
        rows, cols, times = [], [], []
        for edge in edges:
            if edge.travel_s <= 0:
                raise ValueError(f"edge {edge.source}->{edge.target}: travel time must be positive")
            try:
                rows.append(index[edge.source])
                cols.append(index[edge.target])
            except KeyError as missing:
                raise ValueError(
                    f"edge {edge.source}->{edge.target}: node {missing} has no position"
                ) from None
            times.append(edge.travel_s)
        n = len(node_ids)
        matrix = csr_matrix((np.asarray(times, dtype=np.float64), (rows, cols)), shape=(n, n))
        lats = np.fromiter((p.lat for p in positions.values()), np.float64, n)
        lons = np.fromiter((p.lon for p in positions.values()), np.float64, n)
        return cls(node_ids, lats, lons, matrix)

    @property
    def node_count(self) -> int:
        return len(self.node_ids)

    def _project(self, lats: FloatArray, lons: FloatArray) -> FloatArray:
        x = (lons * math.cos(math.radians(self._lat0))) * _M_PER_DEG
        return np.column_stack((x, lats * _M_PER_DEG))

    def snap(self, lats: FloatArray, lons: FloatArray) -> tuple[IntArray, FloatArray]:
        """Nearest node index and the distance to it in metres, for many points at once."""
        distances, nodes = self._tree.query(self._project(lats, lons))
        return np.asarray(nodes, dtype=np.intp), np.asarray(distances, dtype=np.float64)

    def times_to(self, target: GeoPoint, origins: list[GeoPoint], limit_s: float = np.inf) -> FloatArray:
        """Seconds from each origin to the target by road (``inf`` when unreachable or over the limit)."""
        if not origins:
            return np.empty(0, dtype=np.float64)
        lats = np.fromiter((o.lat for o in origins), np.float64, len(origins))
        lons = np.fromiter((o.lon for o in origins), np.float64, len(origins))
        return self.times_to_many(target, lats, lons, limit_s)

    def times_to_many(
        self, target: GeoPoint, lats: FloatArray, lons: FloatArray, limit_s: float = np.inf
    ) -> FloatArray:
        return self.tree_to(target, limit_s).times_from(lats, lons)

    def tree_to(self, target: GeoPoint, limit_s: float = np.inf) -> RouteTree:
        """One Dijkstra from ``target`` over the reversed edges: times to it, and the way there."""
        (target_node,), (target_gap,) = self.snap(np.array([target.lat]), np.array([target.lon]))
        times, previous = dijkstra(
            self._to_target,
            directed=True,
            indices=np.array([target_node]),
            limit=limit_s,
            return_predecessors=True,
        )
        # On the reversed graph a node's predecessor is, on the real roads, its next hop to the target.
        return RouteTree(
            self,
            target,
            int(target_node),
            float(target_gap),
            np.asarray(times[0], dtype=np.float64),
            np.asarray(previous[0], dtype=np.intp),
        )
