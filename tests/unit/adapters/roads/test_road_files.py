"""Real road files: an OpenStreetMap XML extract and a GeoJSON file become routable networks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kuzet.adapters.roads.geojson import load_geojson
from kuzet.adapters.roads.osm import load_osm
from kuzet.domain.geo import GeoPoint
from kuzet.errors import ConfigError

OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="43.2000" lon="76.9000"/>
  <node id="2" lat="43.2000" lon="76.9100"/>
  <node id="3" lat="43.2090" lon="76.9100"/>
  <node id="4" lat="43.2090" lon="76.9000"/>
  <node id="9" lat="43.3000" lon="76.9900"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="maxspeed" v="60"/></way>
  <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="12"><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="highway" v="secondary"/></way>
  <way id="13"><nd ref="4"/><nd ref="9"/><tag k="waterway" v="river"/></way>
  <way id="14"><nd ref="3"/><nd ref="404"/><tag k="highway" v="service"/></way>
</osm>
"""


def test_osm_extract_honours_speeds_one_way_and_ignores_non_roads(tmp_path: Path) -> None:
    path = tmp_path / "city.osm"
    path.write_text(OSM)
    net = load_osm(path)
    assert net.node_count == 4  # the river's far node and the cut-off service road's node are gone
    a, b, c = GeoPoint(43.2, 76.9), GeoPoint(43.2, 76.91), GeoPoint(43.209, 76.91)
    (a_to_b,) = net.times_to(b, [a])
    assert a_to_b == pytest.approx(a.distance_m(b) / (60 / 3.6), rel=1e-6)
    # 2 -> 3 is one-way north; going 3 -> 2 must take the long way round at secondary speed (50).
    (c_to_b,) = net.times_to(b, [c])
    assert c_to_b > c.distance_m(b) / (30 / 3.6)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<osm><node id='1' lat='x' lon='1'/></osm>", "not a valid OpenStreetMap"),
        ("<osm><node id='1' lat='1' lon='1'/></osm>", "no drivable roads"),
        ("not xml at all", "not a valid OpenStreetMap"),
    ],
)
def test_bad_osm_files_get_clear_errors(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.osm"
    path.write_text(text)
    with pytest.raises(ConfigError, match=words):
        load_osm(path)


def test_geojson_lines_with_one_way_streets(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    features = [
        {"type": "Feature", "properties": {"speed_kmh": 36},
         "geometry": {"type": "LineString", "coordinates": [[76.90, 43.20], [76.91, 43.20]]}},
        {"type": "Feature", "properties": {"oneway": True},
         "geometry": {"type": "LineString", "coordinates": [[76.91, 43.20], [76.91, 43.21]]}},
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    net = load_geojson(path)
    start, corner, north = GeoPoint(43.2, 76.9), GeoPoint(43.2, 76.91), GeoPoint(43.21, 76.91)
    assert net.times_to(corner, [start])[0] == pytest.approx(start.distance_m(corner) / 10.0, rel=1e-6)
    assert np.isinf(net.times_to(corner, [north])[0])


def test_geojson_with_a_point_geometry_names_the_feature(tmp_path: Path) -> None:
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps({"features": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]}))
    with pytest.raises(ConfigError, match=r"features\[0\]: geometry must be a LineString"):
        load_geojson(path)
