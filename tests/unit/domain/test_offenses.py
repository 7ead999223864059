from __future__ import annotations

import pytest

from kuzet.domain.offenses import Handler, OffenseCategory, OffenseTaxonomy, Priority

DOMAIN_CODES = {
    OffenseCategory.TRAFFIC: {
        "speeding",
        "red_light",
        "stop_line",
        "wrong_way",
        "bus_lane",
        "illegal_parking",
        "no_yield_pedestrian",
        "no_plate",
        "seatbelt",
        "phone_use",
    },
    OffenseCategory.PUBLIC_ORDER: {
        "fight",
        "public_drinking",
        "intoxication",
        "harassment",
        "littering",
        "vandalism",
        "graffiti",
        "illegal_dumping",
        "bag_snatch",
        "suspicious_stash",
        "bullying",
        "loitering",
        "crowd",
        "intrusion",
        "abandoned_object",
        "person_down",
    },
    OffenseCategory.SEARCH: {"wanted_person", "missing_person", "wanted_vehicle", "intercept_hit"},
    OffenseCategory.INFRASTRUCTURE: {
        "streetlight_out",
        "road_defect",
        "icicles",
        "utility_failure",
        "snow_not_cleared",
    },
    OffenseCategory.CAMERA: {
        "camera_offline",
        "camera_frozen",
        "camera_covered",
        "camera_defocused",
        "camera_moved",
        "camera_too_dark",
    },
    OffenseCategory.CITIZEN: {"citizen_report", "sos_button"},
}


@pytest.mark.parametrize("category", list(OffenseCategory))
def test_taxonomy_has_exactly_the_codes_of_domain_md(category: OffenseCategory) -> None:
    codes = {o.code for o in OffenseTaxonomy.default().in_category(category)}
    assert codes == DOMAIN_CODES[category]


def test_only_traffic_offenses_may_become_protocols() -> None:
    for offense in OffenseTaxonomy.default():
        assert offense.may_become_protocol == (offense.category is OffenseCategory.TRAFFIC), offense.code


@pytest.mark.parametrize(
    ("code", "needs"),
    [("seatbelt", True), ("graffiti", True), ("icicles", True), ("fight", False), ("speeding", False)],
)
def test_classifier_codes_are_marked(code: str, needs: bool) -> None:
    assert OffenseTaxonomy.default()[code].needs_classifier is needs


def test_search_and_sos_are_top_priority_and_go_to_patrols() -> None:
    taxonomy = OffenseTaxonomy.default()
    for code in ("wanted_person", "wanted_vehicle", "sos_button"):
        assert taxonomy[code].default_priority is Priority.CRITICAL
        assert taxonomy[code].handler is Handler.PATROL
    assert taxonomy["streetlight_out"].handler is Handler.MUNICIPAL_SERVICE


def test_customised_sets_articles_and_priorities_without_touching_the_default() -> None:
    base = OffenseTaxonomy.default()
    custom = base.customised({"speeding": "CoAO art. 592"}, {"littering": Priority.MEDIUM})
    assert custom["speeding"].legal_article == "CoAO art. 592"
    assert custom["littering"].default_priority is Priority.MEDIUM
    assert base["speeding"].legal_article is None
    assert len(custom) == len(base)


def test_unknown_code_names_itself() -> None:
    with pytest.raises(KeyError, match="jaywalking"):
        OffenseTaxonomy.default()["jaywalking"]
    with pytest.raises(KeyError, match="jaywalking"):
        OffenseTaxonomy.default().customised({"jaywalking": "x"})
