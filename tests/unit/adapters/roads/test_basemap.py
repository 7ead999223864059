"""The base map's layers: pieces of road joined into streets, every road source, district areas, the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely  # type: ignore[import-untyped]

from kuzet.adapters.roads import basemap
from kuzet.adapters.roads.basemap import (
    BaseMap,
    StreetKind,
    chains,
    district_areas,
    load_streets,
    merge,
)
from kuzet.domain.cameras.model import District
from kuzet.domain.geo import GeoBounds, GeoPoint
from kuzet.errors import ConfigError

BOUNDS = GeoBounds(43.0, 76.0, 43.2, 76.3)
ABAY = StreetKind("Abay Ave", "avenue", one_way=False)
LANE = StreetKind("Lane 3", "lane", one_way=True)


@pytest.mark.parametrize(
    ("segments", "directed", "paths"),
    [
        ([(1, 2), (2, 3), (3, 4)], False, [[1, 2, 3, 4]]),
        ([(3, 4), (1, 2), (2, 3)], False, [[4, 3, 2, 1]]),  # pieces in any order
        ([(1, 2), (2, 3), (2, 4)], False, [[1, 2], [2, 3], [2, 4]]),  # a fork ends lines at the junction
        ([(1, 2), (2, 3), (3, 1)], False, [[1, 2, 3, 1]]),  # a ring road is one closed line
        ([(1, 2), (2, 3)], True, [[1, 2, 3]]),
        ([(2, 3), (1, 2)], True, [[1, 2, 3]]),  # followed in their direction
        ([(1, 2), (3, 2)], True, [[1, 2], [3, 2]]),  # head to head: two lines
    ],
)
def test_segments_join_into_the_fewest_lines_between_junctions(
    segments: list[tuple[int, int]], directed: bool, paths: list[list[int]]
) -> None:
    assert chains(segments, directed) == paths


def test_pieces_of_one_street_merge_and_two_way_pieces_count_once() -> None:
    positions = {n: (76.0 + n / 100, 43.1) for n in range(5)}
    pieces = [
        (ABAY, 0, 1),
        (ABAY, 1, 0),
        (ABAY, 1, 2),
        (ABAY, 2, 1),
        (LANE, 3, 2),
        (LANE, 4, 3),
        (ABAY, 2, 2),
    ]
    streets = merge(pieces, positions)
    assert [(s.kind, s.points) for s in streets] == [
        (ABAY, (positions[0], positions[1], positions[2])),
        (LANE, (positions[4], positions[3], positions[2])),
    ]


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="43.2000" lon="76.9000"/>
  <node id="2" lat="43.2000" lon="76.9100"/>
  <node id="3" lat="43.2000" lon="76.9200"/>
  <node id="4" lat="43.2090" lon="76.9200"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="Abay Ave"/></way>
  <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="name" v="Abay Ave"/></way>
  <way id="12"><nd ref="4"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="oneway" v="-1"/></way>
  <way id="13"><nd ref="3"/><nd ref="404"/><tag k="highway" v="service"/></way>
  <way id="14"><nd ref="1"/><nd ref="4"/><tag k="waterway" v="river"/></way>
</osm>
"""


def test_an_osm_extract_gives_named_streets_joined_across_ways(tmp_path: Path) -> None:
    path = tmp_path / "city.osm"
    path.write_text(OSM)
    streets = {(s.kind.name, s.kind.road_class, s.kind.one_way): s.points for s in load_streets(str(path))}
    assert streets == {
        ("Abay Ave", "primary", False): ((76.9, 43.2), (76.91, 43.2), (76.92, 43.2)),
        (None, "residential", True): ((76.92, 43.2), (76.92, 43.209)),  # oneway=-1: against the way
    }


def test_a_geojson_file_gives_its_lines_with_their_properties(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    line = {"type": "LineString", "coordinates": [[76.9, 43.2], [76.91, 43.2]]}
    multi = {"type": "MultiLineString", "coordinates": [[[76.91, 43.2], [76.92, 43.2]]]}
    features = [
        {"type": "Feature", "properties": {"name": "Dostyk Ave", "highway": "primary"}, "geometry": line},
        {"type": "Feature", "properties": {"name": "Dostyk Ave", "highway": "primary"}, "geometry": multi},
        {"type": "Feature", "properties": {"oneway": True}, "geometry": line},
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    streets = [(s.kind, s.points) for s in load_streets(str(path))]
    assert streets == [
        (StreetKind("Dostyk Ave", "primary", False), ((76.9, 43.2), (76.91, 43.2), (76.92, 43.2))),
        (StreetKind(None, "road", True), ((76.9, 43.2), (76.91, 43.2))),
    ]


@pytest.mark.parametrize(
    ("source", "words"),
    [("sim:seven", "integer seed"), ("roads.shp", "must be sim:"), ("gone.osm", "not found")],
)
def test_a_bad_road_source_says_what_is_wrong(source: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_streets(source)


def _district(i: str, lat: float, lon: float) -> District:
    return District(i, i.title(), GeoPoint(lat, lon))


@pytest.mark.parametrize(
    "districts",
    [
        [_district("one", 43.1, 76.1)],
        [_district("west", 43.1, 76.1), _district("east", 43.1, 76.2)],
        [_district("a", 43.05, 76.05), _district("b", 43.15, 76.1), _district("c", 43.1, 76.25)],
    ],
)
def test_district_areas_split_the_map_between_the_centres(districts: list[District]) -> None:
    areas = [shapely.Polygon(ring) for ring in district_areas(districts, BOUNDS)]
    box = shapely.box(BOUNDS.min_lon, BOUNDS.min_lat, BOUNDS.max_lon, BOUNDS.max_lat)
    assert shapely.union_all(areas).area == pytest.approx(box.area, rel=1e-6)
    assert sum(a.area for a in areas) == pytest.approx(box.area, rel=1e-6)
    for district, area in zip(districts, areas, strict=True):
        assert area.contains(shapely.Point(district.center.lon, district.center.lat))


def test_a_district_off_the_map_has_no_area() -> None:
    districts = [_district("in", 43.1, 76.1), _district("far", 45.0, 80.0)]
    inside, outside = district_areas(districts, BOUNDS)
    assert len(inside) == 5  # the whole box, closed
    assert outside == []
    document = basemap.districts_geojson(districts, BOUNDS)
    assert [f["properties"]["id"] for f in document["features"]] == ["in"]


def test_each_layer_is_built_once_and_the_districts_again_when_they_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[str] = []

    def counting(source: str) -> list[basemap.Street]:
        loads.append(source)
        return []

    monkeypatch.setattr(basemap, "load_streets", counting)
    layers = BaseMap("sim:1", BOUNDS)
    assert layers.streets() is layers.streets()
    assert loads == ["sim:1"]
    one = [_district("a", 43.05, 76.05)]
    first = layers.districts(one)
    assert layers.districts(list(one)) is first
    two = layers.districts([*one, _district("b", 43.15, 76.2)])
    assert len(json.loads(two)["features"]) == 2
