"""The rule plug-ins in one place: the discriminated union of their configs and the type → class map.

The site file validates rules against ``RuleConfig``; ``build_rules`` turns validated configs into rule
instances for one camera. Adding a rule means adding its module and one line in each table below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, get_args

from pydantic import BaseModel, Field

from kuzet.vision.detections import Detections
from kuzet.vision.rules.abandoned_object import AbandonedObjectConfig, AbandonedObjectRule
from kuzet.vision.rules.base import Frame, Rule, RuleConfigBase, RuleEnvironment, RuleHit
from kuzet.vision.rules.classifier import ClassifierConfig, ClassifierRule
from kuzet.vision.rules.crowd import CrowdConfig, CrowdRule
from kuzet.vision.rules.fight import FightConfig, FightRule
from kuzet.vision.rules.illegal_parking import IllegalParkingConfig, IllegalParkingRule
from kuzet.vision.rules.intrusion import IntrusionConfig, IntrusionRule
from kuzet.vision.rules.line_crossing import LineCrossingConfig, LineCrossingRule
from kuzet.vision.rules.loitering import LoiteringConfig, LoiteringRule
from kuzet.vision.rules.person_down import PersonDownConfig, PersonDownRule
from kuzet.vision.rules.running import RunningConfig, RunningRule
from kuzet.vision.rules.suspicious_stash import SuspiciousStashConfig, SuspiciousStashRule
from kuzet.vision.rules.wrong_way import WrongWayConfig, WrongWayRule
from kuzet.vision.track_state import TracksState

RuleConfig = Annotated[
    IntrusionConfig
    | LineCrossingConfig
    | LoiteringConfig
    | CrowdConfig
    | RunningConfig
    | WrongWayConfig
    | AbandonedObjectConfig
    | IllegalParkingConfig
    | PersonDownConfig
    | SuspiciousStashConfig
    | FightConfig
    | ClassifierConfig,
    Field(discriminator="type"),
]

RULE_TYPES: dict[type[RuleConfigBase], type[Rule[Any]]] = {
    IntrusionConfig: IntrusionRule,
    LineCrossingConfig: LineCrossingRule,
    LoiteringConfig: LoiteringRule,
    CrowdConfig: CrowdRule,
    RunningConfig: RunningRule,
    WrongWayConfig: WrongWayRule,
    AbandonedObjectConfig: AbandonedObjectRule,
    IllegalParkingConfig: IllegalParkingRule,
    PersonDownConfig: PersonDownRule,
    SuspiciousStashConfig: SuspiciousStashRule,
    FightConfig: FightRule,
    ClassifierConfig: ClassifierRule,
}

RULE_TAGS: frozenset[str] = frozenset(get_args(c.model_fields["type"].annotation)[0] for c in RULE_TYPES)


class _OneRule(BaseModel):
    rule: RuleConfig = Field(description="One rule")


def parse_rule_config(data: Mapping[str, Any]) -> RuleConfigBase:
    """Validate one rule's config (a site file's ``rules[i]``); pydantic's ValidationError if bad."""
    return _OneRule.model_validate({"rule": data}).rule


def build_rule(config: RuleConfigBase, env: RuleEnvironment) -> Rule[Any]:
    """The rule instance for a validated config; ValueError naming the key for a bad zone or model."""
    try:
        rule_type = RULE_TYPES[type(config)]
    except KeyError:
        raise ValueError(f"rules.{config.id}: no rule implements {type(config).__name__}") from None
    return rule_type(config, env)


class RuleSet:
    """All rules of one camera, evaluated together on each tracker update."""

    def __init__(self, configs: Sequence[RuleConfigBase], env: RuleEnvironment) -> None:
        ids = [c.id for c in configs]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rules: duplicate rule id {duplicates[0]!r}")
        self.rules = [build_rule(c, env) for c in configs]

    def evaluate(
        self, frame_time: float, detections: Detections, tracks: TracksState, frame: Frame | None = None
    ) -> list[RuleHit]:
        return [hit for rule in self.rules for hit in rule.evaluate(frame_time, detections, tracks, frame)]
