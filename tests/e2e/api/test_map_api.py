"""The console's base map: the streets dispatch routes on and the districts' areas, as GeoJSON."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
import shapely  # type: ignore[import-untyped]
from fastapi.testclient import TestClient

from kuzet.api.routers.basemap import DistrictAreasPublic, StreetsPublic
from kuzet.bootstrap import Kuzet
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.users.model import Role
from kuzet.services.context import Actor
from kuzet.sim.city import almaty_districts, generate_city
from kuzet.sim.roads import PointIndex

from .conftest import AUTH


def test_the_roads_are_the_dispatch_network_street_by_street(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH]
) -> None:
    response = client.get("/api/map/roads", headers=auth(Role.OPERATOR))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    roads = StreetsPublic.model_validate_json(response.content)  # the document's model, strictly
    bounds = kuzet.operations.field_policy.bounds
    assert bounds is not None
    assert roads.bbox == pytest.approx(
        (bounds.min_lon, bounds.min_lat, bounds.max_lon, bounds.max_lat), abs=1e-6
    )
    graph = generate_city(7, camera_count=0, unit_count=0).road_graph  # KUZET_ROADS' default, sim:7
    names = {name for _, _, name in graph.edges(data="name")}
    assert len(roads.features) == len(names) == 94, "each straight street of the grid is one line"
    assert {f.properties.name for f in roads.features} == names
    assert {f.properties.road_class for f in roads.features} == {"avenue", "street", "lane"}
    points = 0
    for feature in roads.features:
        coordinates = feature.geometry.coordinates
        assert len(coordinates) >= 2
        for lon, lat in coordinates:
            assert bounds.min_lon <= lon <= bounds.max_lon
            assert bounds.min_lat <= lat <= bounds.max_lat
        points += len(coordinates)
    assert points == 44 * 50 * 2, "every crossing lies on one east-west and one north-south street"
    # Each line follows the graph's edges, a one-way line in its driving direction only.
    node_at = {(round(d["lon"], 6), round(d["lat"], 6)): n for n, d in graph.nodes(data=True)}
    one_way = 0
    for feature in roads.features:
        nodes = [node_at[lon, lat] for lon, lat in feature.geometry.coordinates]
        for a, b in itertools.pairwise(nodes):
            assert graph.has_edge(a, b)
            assert graph.has_edge(b, a) is not feature.properties.one_way
        one_way += feature.properties.one_way
    assert one_way > 0, "the grid has one-way lanes"


def test_the_district_areas_cover_the_map_without_overlapping(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH]
) -> None:
    others = tuple(d for d in almaty_districts() if d.id != "almaly")  # the small site has Almaly already
    kuzet.messagebus.handle(ImportSite(districts=others), Actor("cli:test"))
    response = client.get("/api/map/districts", headers=auth(Role.OPERATOR))
    assert response.status_code == 200
    areas = DistrictAreasPublic.model_validate_json(response.content)
    with kuzet.uow() as uow:
        districts = {d.id: d for d in uow.districts.list()}
    assert len(districts) == 8
    assert {f.properties.id for f in areas.features} == set(districts)
    bounds = kuzet.operations.field_policy.bounds
    assert bounds is not None
    box = shapely.box(bounds.min_lon, bounds.min_lat, bounds.max_lon, bounds.max_lat)
    polygons = {}
    for feature in areas.features:
        (ring,) = feature.geometry.coordinates
        assert ring[0] == ring[-1], "a closed ring"
        polygon = shapely.Polygon(ring)
        assert polygon.is_valid
        assert polygon.exterior.is_ccw, "RFC 7946: the outer ring is counter-clockwise"
        centre = districts[feature.properties.id].center
        assert polygon.contains(shapely.Point(centre.lon, centre.lat)), feature.properties.id
        assert feature.properties.name == districts[feature.properties.id].name
        polygons[feature.properties.id] = polygon
    for a, b in itertools.combinations(polygons.values(), 2):
        assert a.intersection(b).area < 1e-9
    assert shapely.union_all(list(polygons.values())).area == pytest.approx(box.area, rel=1e-5)
    # A place lies in the area of the district the city assigns it to (the nearest centre).
    rng = np.random.default_rng(3)
    lats = rng.uniform(bounds.min_lat, bounds.max_lat, 500)
    lons = rng.uniform(bounds.min_lon, bounds.max_lon, 500)
    order = list(districts.values())
    nearest = PointIndex.of([d.center for d in order]).nearest_many(lats, lons)
    for lat, lon, index in zip(lats, lons, nearest, strict=True):
        area = polygons[order[index].id]
        assert area.buffer(1e-6).contains(shapely.Point(lon, lat)), (lat, lon, order[index].id)


def test_the_map_needs_the_district_permission_and_views_are_audited(
    client: TestClient, kuzet: Kuzet, auth: Callable[[Role], AUTH]
) -> None:
    assert client.get("/api/map/roads").status_code == 401
    viewer = client.get("/api/map/districts", headers=auth(Role.TENANT_VIEWER))
    assert viewer.status_code == 403
    assert set(viewer.json()) == {"detail", "errors"}
    assert client.get("/api/map/roads", headers=auth(Role.ANALYST)).status_code == 200
    entry = kuzet.audit.recent(1, actor="analyst")[0].entry
    assert (entry.action, entry.outcome) == ("view_map", AuditOutcome.ALLOWED)


def test_the_map_is_built_once_per_process(client: TestClient, auth: Callable[[Role], AUTH]) -> None:
    operator = auth(Role.OPERATOR)
    first = client.get("/api/map/roads", headers=operator).content
    basemap = client.app.state.basemap  # type: ignore[attr-defined]
    assert basemap.streets() is basemap.streets()
    assert client.get("/api/map/roads", headers=operator).content == first
