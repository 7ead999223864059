from __future__ import annotations

from pathlib import Path

import pytest

from kuzet.config.site import load_site, parse_site
from kuzet.domain.cameras import CameraKind
from kuzet.domain.offenses import Priority
from kuzet.errors import ConfigError

GOOD = """
name: Almaty ЦОУ
districts:
  - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
tenants:
  - {id: school-12, name: School No. 12, kind: school, allowed_categories: [public_order]}
cameras:
  - {id: street-0001, name: Abay/Dostyk, kind: street, purpose: public_order, district: almaly,
     lat: 43.2501, lon: 76.9502, heading: 90}
  - {id: school-0001, name: School 12 yard, kind: school, purpose: school_safety, district: almaly,
     owner_tenant: school-12, lat: 43.2511, lon: 76.9412}
  - {id: drone-0001, name: Drone 1, kind: drone, purpose: aerial_overview, district: almaly}
zones:
  - {id: yard, camera: school-0001, points: [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9]]}
  - {id: gate, camera: school-0001, kind: line, points: [[0.2, 0.5], [0.8, 0.5]]}
rules:
  - {type: intrusion, id: night-yard, zone: yard, schedule: "22:00-06:00"}
  - {type: line_crossing, id: gate-in, zone: gate, direction: in}
offenses:
  legal_articles: {speeding: "CoAO 592"}
  priorities: {littering: 3}
"""


def test_good_site_file_becomes_domain_objects() -> None:
    site = parse_site(GOOD)
    cameras = [c.to_domain() for c in site.cameras]
    assert [c.kind for c in cameras] == [CameraKind.STREET, CameraKind.SCHOOL, CameraKind.DRONE]
    assert cameras[1].owner_tenant_id == "school-12"
    assert cameras[2].position is None
    taxonomy = site.taxonomy()
    assert taxonomy["speeding"].legal_article == "CoAO 592"
    assert taxonomy["littering"].default_priority is Priority.MEDIUM


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("kind: street", "kind: streeet"), "cameras[0].kind: Input should be"),
        (("heading: 90", "heading: 400"), "cameras[0].heading: Input should be less than 360"),
        (
            ("district: almaly,\n     lat: 43.2501", "district: nowhere,\n     lat: 43.2501"),
            "cameras[0].district: unknown district 'nowhere'",
        ),
        (("owner_tenant: school-12", "owner_tenant: school-99"), "cameras[1].owner_tenant: unknown tenant"),
        (("zone: gate, direction: in", "zone: gat, direction: in"), "rules[1].zone: unknown zone 'gat'"),
        (
            ("direction: in", "direction: sideways"),
            "rules[1].direction: Input should be 'in', 'out' or 'both'",
        ),
        (("schedule:", "shedule:"), "rules[0].shedule: Extra inputs are not permitted"),
        (("[0.9, 0.9]]", "[1.9, 0.9]]"), "zones[0].points: coordinates must lie within 0..1"),
        (
            ("priorities: {littering: 3}", "priorities: {jaywalking: 3}"),
            "offenses.priorities.jaywalking: unknown offense code",
        ),
        (
            ("id: drone-0001", "id: street-0001"),
            "cameras[2].id: duplicate id 'street-0001' (also at cameras[0])",
        ),
        (
            ("type: intrusion", "type: teleport"),
            "rules[0]: Input tag 'teleport' found using 'type' does not match",
        ),
    ],
)
def test_each_error_names_the_path_of_the_bad_key(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ConfigError) as caught:
        parse_site(GOOD.replace(old, new, 1), "site.yaml")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("site.yaml: 1 error")


def test_all_errors_are_reported_at_once() -> None:
    text = GOOD.replace("kind: street", "kind: tram").replace("heading: 90", "heading: -1")
    with pytest.raises(ConfigError, match="2 errors") as caught:
        parse_site(text)
    assert "cameras[0].kind" in str(caught.value)
    assert "cameras[0].heading" in str(caught.value)


def test_yaml_syntax_error_gives_line_and_column() -> None:
    with pytest.raises(ConfigError, match=r"line 3, column \d+"):
        parse_site("districts:\n  - {id: a, name: b\ncameras: [\n", "broken.yaml")


def test_duplicate_yaml_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="duplicate key 'name'"):
        parse_site("name: a\nname: b\n")


def test_missing_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_site(tmp_path / "nope.yaml")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_site(listing)
