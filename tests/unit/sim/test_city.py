"""The simulated city must be deterministic, complete and consistent: the demo and other tests build on it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pytest

from kuzet.domain.cameras.model import CameraKind, CameraPurpose, validate_camera_id
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.operations.units import UnitKind
from kuzet.domain.users.model import TenantKind
from kuzet.sim.city import SimulatedCity, almaty_districts, apportion, generate_city
from kuzet.sim.roads import BoundingBox, GridSpec, PointIndex, RoadClass, build_road_graph

ALMATY_DISTRICT_IDS = {"almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib", "alatau"}

EXPECTED_PURPOSE = {
    CameraKind.STREET: CameraPurpose.PUBLIC_ORDER,
    CameraKind.PTZ: CameraPurpose.PUBLIC_ORDER,
    CameraKind.ENTRANCE: CameraPurpose.BUILDING_SECURITY,
    CameraKind.COURTYARD: CameraPurpose.PUBLIC_ORDER,
    CameraKind.SCHOOL: CameraPurpose.SCHOOL_SAFETY,
    CameraKind.SHOP: CameraPurpose.RETAIL_SECURITY,
    CameraKind.BODY_CAM: CameraPurpose.PATROL_EVIDENCE,
    CameraKind.DRONE: CameraPurpose.AERIAL_OVERVIEW,
    CameraKind.MOBILE_ENFORCEMENT: CameraPurpose.TRAFFIC_ENFORCEMENT,
    CameraKind.TRAFFIC_POST: CameraPurpose.TRAFFIC_ENFORCEMENT,
}


@pytest.fixture(scope="module")
def city() -> SimulatedCity:
    return generate_city(seed=7)


def _edges(city: SimulatedCity) -> list[tuple[int, int, dict[str, Any]]]:
    return list(city.road_graph.edges(data=True))


# --- determinism -----------------------------------------------------------------------------------


def test_same_seed_gives_the_same_city(city: SimulatedCity) -> None:
    again = generate_city(seed=7)
    assert again == city
    assert again.cameras == city.cameras
    assert again.units == city.units
    assert list(again.road_graph.nodes(data=True)) == list(city.road_graph.nodes(data=True))
    assert _edges(again) == _edges(city)


def test_different_seed_gives_a_different_city(city: SimulatedCity) -> None:
    other = generate_city(seed=8)
    assert [c.position for c in other.cameras] != [c.position for c in city.cameras]
    assert [u.position for u in other.units] != [u.position for u in city.units]
    assert _edges(other) != _edges(city)


def test_more_cameras_do_not_move_the_roads_or_the_units(city: SimulatedCity) -> None:
    fewer = generate_city(seed=7, camera_count=50)
    assert fewer.units == city.units
    assert _edges(fewer) == _edges(city)


# --- counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("camera_count", "unit_count"), [(300, 40), (0, 0), (7, 2), (1000, 120)])
def test_exact_counts(camera_count: int, unit_count: int) -> None:
    city = generate_city(seed=3, camera_count=camera_count, unit_count=unit_count)
    assert len(city.cameras) == camera_count
    assert len(city.units) == unit_count


@pytest.mark.parametrize("kwargs", [{"seed": -1}, {"camera_count": -1}, {"unit_count": -1}])
def test_negative_arguments_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        generate_city(**kwargs)


def test_apportion_is_proportional_and_gives_every_key_one() -> None:
    shares = apportion({"a": 60, "b": 30, "c": 10}, 100)
    assert sum(shares.values()) == 100
    assert shares["a"] > shares["b"] > shares["c"] >= 1
    assert apportion({"a": 1, "b": 1, "c": 1}, 2) == {"a": 1, "b": 1, "c": 0}
    assert apportion({"a": 1}, 0) == {"a": 0}


# --- districts and tenants -------------------------------------------------------------------------


def test_districts_are_almatys_eight_inside_the_city(city: SimulatedCity) -> None:
    assert {d.id for d in city.districts} == ALMATY_DISTRICT_IDS
    assert city.districts == almaty_districts()
    for district in city.districts:
        assert city.bounds.contains(district.center)
        assert city.district_of(district.center) == district.id


def test_tenants_cover_every_kind_with_agreed_categories(city: SimulatedCity) -> None:
    ids = [t.id for t in city.tenants]
    assert len(ids) == len(set(ids))
    assert {t.kind for t in city.tenants} == set(TenantKind)
    for tenant in city.tenants:
        assert OffenseCategory.PUBLIC_ORDER in tenant.allowed_categories
        if tenant.kind in {TenantKind.SHOP, TenantKind.SCHOOL}:
            assert tenant.allowed_categories == {OffenseCategory.PUBLIC_ORDER}
        assert OffenseCategory.SEARCH not in tenant.allowed_categories


# --- cameras ---------------------------------------------------------------------------------------


def test_every_camera_kind_is_present_in_a_realistic_mix(city: SimulatedCity) -> None:
    kinds = Counter(c.kind for c in city.cameras)
    assert set(kinds) == set(CameraKind)
    everyday = kinds[CameraKind.STREET] + kinds[CameraKind.ENTRANCE] + kinds[CameraKind.COURTYARD]
    assert everyday > len(city.cameras) / 2
    assert kinds[CameraKind.DRONE] < kinds[CameraKind.PTZ] < kinds[CameraKind.STREET]


def test_camera_ids_are_unique_valid_and_named_by_kind(city: SimulatedCity) -> None:
    ids = [c.id for c in city.cameras]
    assert len(ids) == len(set(ids))
    for camera in city.cameras:
        assert validate_camera_id(camera.id) == camera.id
        assert camera.id.startswith(camera.kind.value.replace("_", "-") + "-")
    assert "street-0001" in ids
    assert "school-0012" in ids


def test_purposes_match_kinds_and_no_streams_are_set(city: SimulatedCity) -> None:
    for camera in city.cameras:
        assert camera.purpose is EXPECTED_PURPOSE[camera.kind]
        assert camera.stream_url is None
        assert camera.name


def test_fixed_cameras_stand_inside_the_city_in_their_district(city: SimulatedCity) -> None:
    district_ids = {d.id for d in city.districts}
    fixed = [c for c in city.cameras if not c.kind.is_mobile]
    assert fixed
    for camera in fixed:
        assert camera.position is not None
        assert camera.heading_deg is not None
        assert 0.0 <= camera.heading_deg < 360.0
        assert city.bounds.contains(camera.position)
        assert camera.district_id in district_ids
        assert city.district_of(camera.position) == camera.district_id
    assert len({c.district_id for c in fixed}) == len(district_ids)


def test_fixed_cameras_stand_near_a_road(city: SimulatedCity) -> None:
    for camera in city.cameras:
        if camera.position is not None:
            node = city.nearest_node(camera.position)
            assert city.node_position(node).distance_m(camera.position) < 400.0


def test_mobile_cameras_have_no_position(city: SimulatedCity) -> None:
    district_ids = {d.id for d in city.districts}
    for camera in city.cameras:
        if camera.kind.is_mobile:
            assert camera.position is None
            assert camera.heading_deg is None
            assert camera.district_id in district_ids


def test_tenant_cameras_belong_to_existing_tenants_of_the_right_kind(city: SimulatedCity) -> None:
    tenants = {t.id: t for t in city.tenants}
    owner_kinds = {
        CameraKind.SHOP: {TenantKind.SHOP},
        CameraKind.SCHOOL: {TenantKind.SCHOOL},
        CameraKind.ENTRANCE: {TenantKind.BUSINESS, TenantKind.RESIDENTIAL},
        CameraKind.COURTYARD: {TenantKind.RESIDENTIAL, TenantKind.DISTRICT},
    }
    for camera in city.cameras:
        if camera.owner_tenant_id is None:
            assert camera.kind not in {CameraKind.SHOP, CameraKind.SCHOOL}
            continue
        assert camera.owner_tenant_id in tenants
        assert tenants[camera.owner_tenant_id].kind in owner_kinds[camera.kind]
    entrance = [c for c in city.cameras if c.kind is CameraKind.ENTRANCE]
    assert any(c.is_tenant_owned for c in entrance)
    assert not all(c.is_tenant_owned for c in entrance)
    assert {c.owner_tenant_id for c in city.cameras if c.is_tenant_owned} == set(tenants)


def test_body_cams_go_with_units(city: SimulatedCity) -> None:
    call_signs = {u.call_sign for u in city.units}
    body_cams = [c for c in city.cameras if c.kind is CameraKind.BODY_CAM]
    assert body_cams
    assert all(any(sign in c.name for sign in call_signs) for c in body_cams)


# --- units -----------------------------------------------------------------------------------------


def test_units_stand_on_road_nodes_in_their_district(city: SimulatedCity) -> None:
    assert len({u.id for u in city.units}) == len(city.units)
    assert len({u.call_sign for u in city.units}) == len(city.units)
    assert {u.kind for u in city.units} == set(UnitKind)
    assert {u.district_id for u in city.units} == ALMATY_DISTRICT_IDS
    for unit in city.units:
        assert unit.position is not None
        node = city.nearest_node(unit.position)
        assert city.node_position(node) == unit.position
        assert city.road_graph.nodes[node]["district_id"] == unit.district_id
        assert unit.call_sign.startswith(unit.district_id[:3].upper() + "-")


def test_most_units_are_patrol_cars(city: SimulatedCity) -> None:
    kinds = Counter(u.kind for u in city.units)
    assert kinds[UnitKind.PATROL_CAR] > kinds[UnitKind.FOOT_PATROL]
    assert kinds[UnitKind.PATROL_CAR] > kinds[UnitKind.TRAFFIC_POLICE]


# --- road graph ------------------------------------------------------------------------------------


def test_graph_size_and_node_attributes(city: SimulatedCity) -> None:
    graph = city.road_graph
    assert 1_500 <= graph.number_of_nodes() <= 3_000
    district_ids = {d.id for d in city.districts}
    for node, attrs in graph.nodes(data=True):
        point = GeoPoint(attrs["lat"], attrs["lon"])
        assert city.bounds.contains(point)
        assert attrs["district_id"] in district_ids
        assert attrs["district_id"] == city.district_of(point), node
    assert {d for _, d in graph.nodes(data="district_id")} == district_ids


def test_graph_is_strongly_connected(city: SimulatedCity) -> None:
    assert nx.is_strongly_connected(city.road_graph)


def test_edge_travel_time_is_length_over_speed(city: SimulatedCity) -> None:
    speeds = {RoadClass.AVENUE.value: 60.0, RoadClass.STREET.value: 40.0, RoadClass.LANE.value: 20.0}
    for u, v, attrs in city.road_graph.edges(data=True):
        assert attrs["speed_kmh"] == speeds[attrs["road_class"]]
        assert attrs["length_m"] > 0
        assert attrs["length_m"] == pytest.approx(city.node_position(u).distance_m(city.node_position(v)))
        assert attrs["travel_s"] == pytest.approx(attrs["length_m"] / (attrs["speed_kmh"] / 3.6))
    assert {c for *_, c in city.road_graph.edges(data="road_class")} == set(speeds)


def test_one_way_streets_exist_and_only_they_lack_a_reverse(city: SimulatedCity) -> None:
    graph = city.road_graph
    one_way = [(u, v) for u, v in graph.edges if not graph.has_edge(v, u)]
    assert one_way
    for u, v, attrs in graph.edges(data=True):
        assert attrs["one_way"] is (not graph.has_edge(v, u))
        if attrs["one_way"]:
            assert attrs["road_class"] == RoadClass.LANE.value


def test_road_graph_is_frozen(city: SimulatedCity) -> None:
    with pytest.raises(nx.NetworkXError):
        city.road_graph.add_edge(0, 1)
    assert not nx.is_frozen(city.road_graph.copy())


@pytest.mark.parametrize("seed", range(12))
def test_small_grids_with_all_lanes_one_way_stay_strongly_connected(seed: int) -> None:
    districts = almaty_districts()
    graph = build_road_graph(
        np.random.default_rng(seed),
        BoundingBox(43.17, 76.74, 43.35, 77.06),
        [d.id for d in districts],
        [d.center for d in districts],
        GridSpec(rows=7, cols=9, avenue_every=4, one_way_share=1.0),
    )
    assert graph.number_of_nodes() == 63
    assert nx.is_strongly_connected(graph)


# --- lookups ---------------------------------------------------------------------------------------


def test_nearest_node_of_a_node_is_that_node(city: SimulatedCity) -> None:
    for node in list(city.road_graph.nodes)[::97]:
        assert city.nearest_node(city.node_position(node)) == node


def test_nearest_node_matches_brute_force(city: SimulatedCity) -> None:
    rng = np.random.default_rng(0)
    bounds = city.bounds
    positions = [city.node_position(n) for n in city.road_graph.nodes]
    for _ in range(20):
        point = GeoPoint(
            float(rng.uniform(bounds.min_lat, bounds.max_lat)),
            float(rng.uniform(bounds.min_lon, bounds.max_lon)),
        )
        best = min(p.distance_m(point) for p in positions)
        assert city.node_position(city.nearest_node(point)).distance_m(point) == pytest.approx(best, abs=1.0)


def test_point_index_refuses_an_empty_set() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        PointIndex([], [])


def test_bounding_box_checks_its_corners() -> None:
    with pytest.raises(ValueError, match="min < max"):
        BoundingBox(43.3, 76.7, 43.2, 77.0)
    box = BoundingBox(43.2, 76.8, 43.3, 77.0)
    assert box.clamp(44.0, 76.0) == GeoPoint(43.3, 76.8)
