"""nearest-unit recommendation by road travel time"""

from __future__ import annotations

import time

import numpy as np

from bench.common import BenchRow
from kuzet.domain.geo import GeoPoint
from kuzet.services.operations.routing import RoadEdge, RoadNetwork

GRID = 317  # 317 x 317 ≈ 100,000 crossings
UNITS = 1000
QUERIES = 30


def grid_network(size: int, seed: int = 1) -> RoadNetwork:
    """A jittered street grid, about 100 m between crossings, streets at 40 km/h and some one-way."""
    rng = np.random.default_rng(seed)
    ids = np.arange(size * size).reshape(size, size)
    lat = 43.1 + np.arange(size)[:, None] * 0.0009 + rng.normal(0, 0.0001, (size, size))
    lon = 76.7 + np.arange(size)[None, :] * 0.00124 + rng.normal(0, 0.0001, (size, size))
    positions = {
        int(i): GeoPoint(float(a), float(b))
        for i, a, b in zip(ids.ravel(), lat.ravel(), lon.ravel(), strict=True)
    }
    pairs = np.concatenate([
        np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()], axis=1),
        np.stack([ids[:-1, :].ravel(), ids[1:, :].ravel()], axis=1),
    ])  # fmt: skip
    one_way = rng.random(len(pairs)) < 0.1
    edges = []
    for (a, b), single in zip(pairs.tolist(), one_way.tolist(), strict=True):
        seconds = positions[a].distance_m(positions[b]) / (40 / 3.6)
        edges.append(RoadEdge(a, b, seconds))
        if not single:
            edges.append(RoadEdge(b, a, seconds))
    return RoadNetwork.build(positions, edges)


def run() -> list[BenchRow]:
    started = time.perf_counter()
    net = grid_network(GRID)
    build_s = time.perf_counter() - started
    rng = np.random.default_rng(2)
    unit_nodes = rng.integers(0, net.node_count, UNITS)
    lats, lons = net.lats[unit_nodes] + 0.0002, net.lons[unit_nodes] - 0.0002
    timings = []
    for target in rng.integers(0, net.node_count, QUERIES):
        incident = GeoPoint(float(net.lats[target]), float(net.lons[target]))
        started = time.perf_counter()
        tree = net.tree_to(incident)  # what DispatchAdvisor.recommend does: one search, top 3, their roads
        times = tree.times_from(lats, lons)
        for i in np.argpartition(times, 3)[:3]:
            tree.path(GeoPoint(float(lats[i]), float(lons[i])))
        timings.append((time.perf_counter() - started) * 1000)
    p50, p99 = np.percentile(timings, [50, 99])
    return [
        BenchRow("road graph nodes", net.node_count, "nodes", f"{UNITS} units"),
        BenchRow("build network from edges", build_s * 1000, "ms", "once at start"),
        BenchRow("recommend top-3 by ETA with routes, p50", float(p50), "ms", "goal < 50 ms"),
        BenchRow("recommend top-3 by ETA with routes, p99", float(p99), "ms", f"{QUERIES} incidents"),
    ]
