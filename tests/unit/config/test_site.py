from __future__ import annotations

from pathlib import Path

import pytest

from kuzet.config.site import load_site, parse_site
from kuzet.domain.cameras.model import CameraKind
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


ANALYTICS = GOOD.replace(
    "rules:\n",
    "  - {id: street-area, camera: street-0001, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]}\nrules:\n",
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "  - {type: loitering, id: gate-loiter, zone: gate}\n",
            "rules[2]: rules.gate-loiter.zone: 'gate' is a line; this rule needs a polygon",
        ),
        (
            "  - {type: intrusion, id: wrong-cam, zone: yard, camera: street-0001}\n",
            "rules[2].zone: zone 'yard' is drawn on camera 'school-0001', not 'street-0001'",
        ),
        (
            "  - {type: running, id: run-anywhere}\n",
            "rules[2].camera: a rule without a zone names the camera",
        ),
        (
            "  - {type: running, id: run, camera: street-9999}\n",
            "rules[2].camera: unknown camera 'street-9999'",
        ),
        (
            "  - {type: intrusion, id: night-yard, zone: yard}\n",
            "rules[2].id: duplicate rule 'night-yard' on camera 'school-0001'",
        ),
        (
            "  - {type: classifier, id: drinking, zone: street-area, code: public_drinking, model: beer,"
            " class_index: 1}\n",
            "rules[2]: rules.drinking.model: no classifier model 'beer' is loaded",
        ),
        (
            "  - {type: suspicious_stash, id: stash, zone: street-area, min_stop_seconds: 40}\n",
            "rules[2]: Value error, min_stop_seconds must be smaller than max_stop_seconds",
        ),
        ("  - {type: crowd, id: crowd, zone: street-area, min_people: 1}\n", "rules[2].min_people"),
    ],
)
def test_a_rule_that_cannot_run_on_its_camera_is_refused_with_its_path(extra: str, expected: str) -> None:
    text = ANALYTICS.replace("offenses:", extra.rstrip("\n") + "\noffenses:", 1)
    with pytest.raises(ConfigError) as caught:
        parse_site(text, "site.yaml")
    assert expected in str(caught.value)


def test_analytics_section_calibration_and_timezone() -> None:
    text = (
        "timezone: Asia/Almaty\nanalytics: {detector: {type: opencv_hog, upscale: 2}, fps: 2}\n"
        + ANALYTICS.replace(
            "heading: 90}",
            "heading: 90,\n     calibration: {image_points: [[0, 1], [1, 1], [0.8, 0.5], [0.2, 0.5]],"
            " ground_points: [[0, 0], [20, 0], [16, 30], [4, 30]]}}",
        ).replace("offenses:", "  - {type: running, id: runner, zone: street-area}\noffenses:")
    )
    site = parse_site(text)
    assert site.analytics.detector.type == "opencv_hog"
    env = site.rule_environment("street-0001", (640, 360))
    assert env.calibration is not None
    assert str(env.timezone) == "Asia/Almaty"
    assert set(env.zones) == {"street-area"}
    assert [r.id for r in site.camera_rules("street-0001")] == ["runner"]
    assert [r.id for r in site.camera_rules("school-0001")] == ["night-yard", "gate-in"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("timezone: Mars/Olympus\n", "timezone: Value error, unknown time zone 'Mars/Olympus'"),
        ("analytics: {detector: {type: yolo9000}}\n", "analytics.detector: Input tag 'yolo9000'"),
        ("analytics: {detector: {type: nanodet, threads: 0}}\n", "analytics.detector.threads"),
        ("analytics: {fps: 0}\n", "analytics.fps"),
    ],
)
def test_bad_analytics_settings_name_their_key(change: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_site(change + GOOD, "site.yaml")
    assert expected in str(caught.value)


def test_a_calibration_on_one_line_is_refused() -> None:
    text = GOOD.replace(
        "heading: 90}",
        "heading: 90,\n     calibration: {image_points: [[0, 0], [0.5, 0.5], [1, 1], [0.2, 0.2]],"
        " ground_points: [[0, 0], [1, 1], [2, 2], [3, 3]]}}",
    )
    with pytest.raises(
        ConfigError, match=r"cameras\[0\]\.calibration: the points do not define a homography"
    ):
        parse_site(text)
