"""Rule configs as the site file gives them: the discriminated union, strictness, and build errors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kuzet.vision.rules.base import RuleEnvironment
from kuzet.vision.rules.crowd import CrowdConfig
from kuzet.vision.rules.registry import RULE_TAGS, RULE_TYPES, RuleSet, build_rule, parse_rule_config
from kuzet.vision.rules.wrong_way import WrongWayConfig
from tests.unit.vision.analytics.scripting import SIZE, build, zones


def test_the_type_tag_picks_the_config_model() -> None:
    config = parse_rule_config({"type": "crowd", "id": "c1", "zone": "right", "min_people": 5})
    assert isinstance(config, CrowdConfig)
    assert config.code == "crowd"
    assert config.min_people == 5


def test_every_rule_type_is_registered_once() -> None:
    assert len(RULE_TAGS) == len(RULE_TYPES) == 12
    assert {"intrusion", "fight", "classifier", "suspicious_stash"} <= RULE_TAGS


def test_every_config_field_is_described() -> None:
    undocumented = [
        f"{config.__name__}.{name}"
        for config in RULE_TYPES
        for name, info in config.model_fields.items()
        if not info.description
    ]
    assert undocumented == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"type": "crowd", "id": "c", "zone": "z", "colour": "red"}, "Extra inputs are not permitted"),
        ({"type": "teleport", "id": "c"}, "does not match any of the expected tags"),
        ({"type": "intrusion", "id": "c", "code": "jaywalking"}, "unknown offense code 'jaywalking'"),
        ({"type": "intrusion", "id": "c", "classes": ["unicorn"]}, "unknown object class 'unicorn'"),
        ({"type": "intrusion", "id": "c", "schedule": "25:00-06:00"}, "impossible time of day"),
        ({"type": "intrusion", "id": "c", "schedule": "08:00-18:00", "days": "mon-fryday"}, "days"),
        ({"type": "intrusion", "id": "c", "days": "mon-fri"}, "days without a schedule"),
        ({"type": "person_down", "id": "c", "upright_ratio": 1.5}, "upright_ratio must be smaller"),
        ({"type": "suspicious_stash", "id": "c", "min_stop_seconds": 40}, "min_stop_seconds must be smaller"),
        ({"type": "wrong_way", "id": "c", "direction": (0, 0)}, "must not be (0, 0)"),
        ({"type": "classifier", "id": "c", "model": "m", "class_index": 0}, "code"),
        ({"type": "loitering", "id": "c", "min_seconds": -5}, "greater than 0"),
    ],
)
def test_a_bad_config_is_refused_with_the_reason(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match="(?s)" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_rule_config(config)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"type": "intrusion", "id": "a"}, r"rules\.a\.zone: this rule needs a polygon zone"),
        ({"type": "intrusion", "id": "a", "zone": "nowhere"}, r"rules\.a\.zone: unknown zone 'nowhere'"),
        ({"type": "intrusion", "id": "a", "zone": "line"}, r"rules\.a\.zone: 'line' is a line"),
        ({"type": "line_crossing", "id": "a", "zone": "right"}, r"rules\.a\.zone: 'right' is a polygon"),
        (
            {"type": "classifier", "id": "a", "model": "x", "class_index": 0, "code": "graffiti"},
            r"rules\.a\.model: no classifier model 'x'",
        ),
    ],
)
def test_building_a_rule_checks_its_zone_and_model(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(config)


def test_rule_set_refuses_duplicate_ids() -> None:
    env = RuleEnvironment(frame_size=SIZE, zones=zones())
    configs = [parse_rule_config({"type": "running", "id": "same"}) for _ in range(2)]
    with pytest.raises(ValueError, match="duplicate rule id 'same'"):
        RuleSet(configs, env)


def test_wrong_way_defaults_to_vehicles() -> None:
    config = WrongWayConfig(type="wrong_way", id="w", direction=(0, 1))
    rule = build_rule(config, RuleEnvironment(frame_size=SIZE, zones=zones()))
    assert sorted(rule.class_ids.tolist()) == [2, 3, 5, 7]
