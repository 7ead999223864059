"""The offense and event taxonomy of DOMAIN.md, as data.

Each code has a category, a default priority, who handles it, whether it may become an administrative
protocol (traffic only, after an officer confirms), whether it needs a trained classifier, and a
legal-article slot that a deployment fills in from its site file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum


class OffenseCategory(StrEnum):
    TRAFFIC = "traffic"
    PUBLIC_ORDER = "public_order"
    SEARCH = "search"
    INFRASTRUCTURE = "infrastructure"
    CAMERA = "camera"
    CITIZEN = "citizen"


class Priority(IntEnum):
    """Lower number = more urgent, as on a CAD board (P1 first)."""

    CRITICAL = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4
    INFO = 5


class Handler(StrEnum):
    """Who acts on an alert of this code."""

    PATROL = "patrol"
    TRAFFIC_ENFORCEMENT = "traffic_enforcement"
    MUNICIPAL_SERVICE = "municipal_service"
    TECHNICAL_SERVICE = "technical_service"


@dataclass(frozen=True, slots=True)
class Offense:
    code: str
    category: OffenseCategory
    default_priority: Priority
    handler: Handler
    may_become_protocol: bool = False
    needs_classifier: bool = False
    legal_article: str | None = None


def _codes(
    category: OffenseCategory,
    handler: Handler,
    entries: Mapping[str, Priority],
    may_become_protocol: bool = False,
) -> list[Offense]:
    return [Offense(code, category, prio, handler, may_become_protocol) for code, prio in entries.items()]


P = Priority
_CLASSIFIER_CODES = frozenset(
    {
        "seatbelt",
        "phone_use",
        "public_drinking",
        "intoxication",
        "graffiti",
        "bullying",
        "road_defect",
        "icicles",
        "snow_not_cleared",
    }
)

_BASE: tuple[Offense, ...] = tuple(
    replace(o, needs_classifier=o.code in _CLASSIFIER_CODES)
    for o in [
        *_codes(
            OffenseCategory.TRAFFIC,
            Handler.TRAFFIC_ENFORCEMENT,
            {
                "speeding": P.MEDIUM,
                "red_light": P.MEDIUM,
                "stop_line": P.LOW,
                "wrong_way": P.HIGH,
                "bus_lane": P.LOW,
                "illegal_parking": P.LOW,
                "no_yield_pedestrian": P.MEDIUM,
                "no_plate": P.MEDIUM,
                "seatbelt": P.LOW,
                "phone_use": P.LOW,
            },
            may_become_protocol=True,
        ),
        *_codes(
            OffenseCategory.PUBLIC_ORDER,
            Handler.PATROL,
            {
                "fight": P.HIGH,
                "public_drinking": P.MEDIUM,
                "intoxication": P.MEDIUM,
                "harassment": P.HIGH,
                "littering": P.LOW,
                "vandalism": P.MEDIUM,
                "graffiti": P.LOW,
                "bag_snatch": P.HIGH,
                "suspicious_stash": P.HIGH,
                "bullying": P.MEDIUM,
                "loitering": P.LOW,
                "crowd": P.MEDIUM,
                "intrusion": P.HIGH,
                "abandoned_object": P.HIGH,
                "person_down": P.CRITICAL,
            },
        ),
        *_codes(OffenseCategory.PUBLIC_ORDER, Handler.MUNICIPAL_SERVICE, {"illegal_dumping": P.LOW}),
        *_codes(
            OffenseCategory.SEARCH,
            Handler.PATROL,
            {
                "wanted_person": P.CRITICAL,
                "missing_person": P.HIGH,
                "wanted_vehicle": P.CRITICAL,
                "intercept_hit": P.CRITICAL,
            },
        ),
        *_codes(
            OffenseCategory.INFRASTRUCTURE,
            Handler.MUNICIPAL_SERVICE,
            {
                "streetlight_out": P.LOW,
                "road_defect": P.LOW,
                "icicles": P.MEDIUM,
                "utility_failure": P.MEDIUM,
                "snow_not_cleared": P.LOW,
            },
        ),
        *_codes(
            OffenseCategory.CAMERA,
            Handler.TECHNICAL_SERVICE,
            {
                "camera_offline": P.MEDIUM,
                "camera_frozen": P.MEDIUM,
                "camera_covered": P.HIGH,
                "camera_defocused": P.LOW,
                "camera_moved": P.MEDIUM,
                "camera_too_dark": P.LOW,
            },
        ),
        *_codes(
            OffenseCategory.CITIZEN,
            Handler.PATROL,
            {
                "citizen_report": P.MEDIUM,
                "sos_button": P.CRITICAL,
            },
        ),
    ]
)


class OffenseTaxonomy:
    """Lookup over the offense codes, with a deployment's legal articles and priority overrides.

    >>> taxonomy = OffenseTaxonomy.default()
    >>> taxonomy["fight"].category
    <OffenseCategory.PUBLIC_ORDER: 'public_order'>
    """

    def __init__(self, offenses: tuple[Offense, ...]) -> None:
        self._by_code = {o.code: o for o in offenses}
        if len(self._by_code) != len(offenses):
            raise ValueError("offense codes must be unique")

    @classmethod
    def default(cls) -> OffenseTaxonomy:
        return cls(_BASE)

    def customised(
        self,
        legal_articles: Mapping[str, str] | None = None,
        priorities: Mapping[str, Priority] | None = None,
    ) -> OffenseTaxonomy:
        """A copy with a deployment's legal articles and priorities; unknown codes raise KeyError."""
        offenses = dict(self._by_code)
        for code, article in (legal_articles or {}).items():
            offenses[code] = replace(self[code], legal_article=article)
        for code, priority in (priorities or {}).items():
            offenses[code] = replace(offenses[self[code].code], default_priority=priority)
        return OffenseTaxonomy(tuple(offenses.values()))

    def __getitem__(self, code: str) -> Offense:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown offense code {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Offense]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def in_category(self, category: OffenseCategory) -> list[Offense]:
        return [o for o in self if o.category is category]
