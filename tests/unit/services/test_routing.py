"""Travel times pick the unit that arrives first, even when another is closer as the crow flies."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kuzet.adapters.roads.graph import network_from_graph
from kuzet.domain.geo import GeoPoint
from kuzet.services.operations.routing import ACCESS_SPEED_MS, RoadEdge, RoadNetwork
from kuzet.sim.city import generate_city

# A river runs north-south at lon 76.95; the only bridge is 3 km to the north.
WEST, EAST = 76.945, 76.955
NODES = {
    "w0": GeoPoint(43.20, WEST), "w1": GeoPoint(43.2135, WEST), "w2": GeoPoint(43.227, WEST),
    "e0": GeoPoint(43.20, EAST), "e1": GeoPoint(43.2135, EAST), "e2": GeoPoint(43.227, EAST),
    "e_south": GeoPoint(43.186, EAST),
}  # fmt: skip


def two_way(a: str, b: str, speed_kmh: float = 40.0) -> list[RoadEdge]:
    seconds = NODES[a].distance_m(NODES[b]) / (speed_kmh / 3.6)
    return [RoadEdge(a, b, seconds), RoadEdge(b, a, seconds)]


def river_city() -> RoadNetwork:
    edges = [
        *two_way("w0", "w1"), *two_way("w1", "w2"), *two_way("w2", "e2"),  # the bridge
        *two_way("e2", "e1"), *two_way("e1", "e0"), *two_way("e0", "e_south"),
    ]  # fmt: skip
    return RoadNetwork.build(NODES, edges)


def test_the_unit_across_the_river_is_nearer_but_slower() -> None:
    net = river_city()
    incident = NODES["e0"]
    across = NODES["w0"]  # 800 m away, but 3 km north to the bridge and back
    same_bank = NODES["e_south"]  # 1.6 km away on the same bank
    assert incident.distance_m(across) < incident.distance_m(same_bank)
    across_s, same_bank_s = net.times_to(incident, [across, same_bank])
    assert same_bank_s < across_s
    assert same_bank_s == pytest.approx(incident.distance_m(same_bank) / (40 / 3.6), rel=1e-6)


def test_one_way_streets_are_respected() -> None:
    a, b = GeoPoint(43.2, 76.9), GeoPoint(43.2, 76.91)
    net = RoadNetwork.build({"a": a, "b": b}, [RoadEdge("a", "b", 60.0)])
    to_b, to_a = net.times_to(b, [a])[0], net.times_to(a, [b])[0]
    assert to_b == pytest.approx(60.0)
    assert np.isinf(to_a)


def test_positions_off_the_road_add_their_access_time() -> None:
    net = river_city()
    off_road = GeoPoint(43.2, EAST + 0.001)  # about 81 m east of e0
    (seconds,) = net.times_to(NODES["e0"], [off_road])
    assert seconds == pytest.approx(off_road.distance_m(NODES["e0"]) / ACCESS_SPEED_MS, rel=0.01)


def test_limit_leaves_far_units_unreachable() -> None:
    net = river_city()
    times = net.times_to(NODES["e0"], [NODES["w0"], NODES["e1"]], limit_s=300)
    assert np.isinf(times[0])
    assert np.isfinite(times[1])


def test_the_simulated_city_is_routable_everywhere() -> None:
    city = generate_city(seed=3, camera_count=20, unit_count=30)
    net = network_from_graph(city.road_graph)
    positions = [u.position for u in city.units if u.position is not None]
    times = net.times_to(positions[0], positions)
    assert np.all(np.isfinite(times))
    assert times[0] == pytest.approx(0.0, abs=1e-6)
    assert float(times.max()) < 3600  # across a city in under an hour


def test_bad_edges_are_refused() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        RoadNetwork.build(NODES, [RoadEdge("w0", "w1", 0.0)])
    with pytest.raises(ValueError, match="has no position"):
        RoadNetwork.build(NODES, [RoadEdge("w0", "nowhere", 5.0)])


def _point(lon_lat: tuple[float, float]) -> GeoPoint:
    return GeoPoint(lon_lat[1], lon_lat[0])


def test_the_route_goes_over_the_bridge_the_eta_was_timed_on() -> None:
    net = river_city()
    incident, unit = GeoPoint(43.2, EAST + 0.0005), GeoPoint(43.2, WEST - 0.0005)
    tree = net.tree_to(incident)
    route = tree.path(unit)
    expected = [unit, *(NODES[n] for n in ("w0", "w1", "w2", "e2", "e1", "e0")), incident]
    assert [_point(p) for p in route] == expected
    road_s = sum(a.distance_m(b) for a, b in itertools.pairwise(expected[1:-1])) / (40 / 3.6)
    access_s = (unit.distance_m(expected[1]) + incident.distance_m(expected[-2])) / ACCESS_SPEED_MS
    (eta,) = tree.times_from(np.array([unit.lat]), np.array([unit.lon]))
    assert eta == pytest.approx(road_s + access_s, rel=1e-4)  # the snap measures on a local projection
    assert eta == net.times_to(incident, [unit])[0]


def test_no_route_where_the_roads_do_not_lead() -> None:
    a, b = GeoPoint(43.2, 76.9), GeoPoint(43.2, 76.91)
    net = RoadNetwork.build({"a": a, "b": b}, [RoadEdge("a", "b", 60.0)])
    assert net.tree_to(a).path(b) == []
    assert [_point(p) for p in net.tree_to(b).path(a)] == [a, a, b, b]
