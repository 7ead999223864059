"""Travel times on a road network, for sending the unit that arrives first, not the nearest as the crow flies.

The graph becomes a sparse matrix of edge travel seconds once; a query is one single-source Dijkstra in
compiled code (``scipy.sparse.csgraph``) run backwards from the incident over the transposed matrix,
which yields every node's time *to* the incident at once, so ranking 1,000 units costs one search.
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
        (target_node,), (target_gap,) = self.snap(np.array([target.lat]), np.array([target.lon]))
        to_target = dijkstra(self._to_target, directed=True, indices=np.array([target_node]), limit=limit_s)[
            0
        ]
        origin_nodes, origin_gaps = self.snap(lats, lons)
        return np.asarray(
            to_target[origin_nodes] + (origin_gaps + target_gap) / ACCESS_SPEED_MS, dtype=np.float64
        )
