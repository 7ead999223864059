"""Camera health as the pictures show it: a condition per camera and the events when it changes.

A stream can be up and still useless: the lens covered or out of focus, the view knocked aside, the
picture frozen by a hung encoder, or too dark to see anything. The vision layer measures each frame
(``HealthReading``) and decides, with hysteresis, when the camera's condition changes (``HealthChange``);
the domain only names the conditions and maps them to the camera offense codes, so alerts for a bad
camera go to the technical service like any other offense.

>>> HealthCondition.COVERED.offense_code
'camera_covered'
>>> HealthCondition.OK.offense_code is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from kuzet.domain.messages import Event


class HealthCondition(StrEnum):
    """What is wrong with a camera's picture, if anything (``ok`` when nothing is)."""

    OK = "ok"
    OFFLINE = "offline"
    FROZEN = "frozen"
    COVERED = "covered"
    DEFOCUSED = "defocused"
    MOVED = "moved"
    TOO_DARK = "too_dark"

    @property
    def offense_code(self) -> str | None:
        """The camera offense code for this condition (see ``offenses.py``), ``None`` for ``ok``."""
        return None if self is HealthCondition.OK else f"camera_{self.value}"

    @property
    def rank(self) -> int:
        """Lower = reported first when several conditions hold at once (covered hides the rest)."""
        return _RANK[self]


# Offline and covered explain every other symptom; a frozen picture can look healthy otherwise; a moved
# view matters more than focus; darkness last because it is often the time of day, not a fault.
_RANK = {
    HealthCondition.OFFLINE: 0,
    HealthCondition.COVERED: 1,
    HealthCondition.FROZEN: 2,
    HealthCondition.MOVED: 3,
    HealthCondition.DEFOCUSED: 4,
    HealthCondition.TOO_DARK: 5,
    HealthCondition.OK: 6,
}


@dataclass(frozen=True, slots=True)
class HealthReading:
    """What one evaluated frame measured; ``None`` where the camera has no baseline yet.

    ``raw`` holds the conditions this single frame shows, before hysteresis: one frame is not a fault.
    Ratios compare with the camera's own learned baseline (1.0 = as usual).
    """

    timestamp: float
    mean_luma: float
    featureless_fraction: float
    changed_fraction: float | None
    sharpness_ratio: float | None
    view_shift: float | None
    view_similarity_ratio: float | None
    raw: frozenset[HealthCondition]


@dataclass(frozen=True, slots=True)
class HealthChange:
    """The camera's reported condition changed at ``since`` (seconds, the stream's clock).

    >>> change = HealthChange("st-001", HealthCondition.FROZEN, HealthCondition.OK, 1.7e9, "unchanged")
    >>> change.to_event().since.year
    2023
    """

    camera_id: str
    condition: HealthCondition
    previous: HealthCondition
    since: float
    detail: str

    def to_event(self) -> CameraHealthChanged:
        """The bus event; ``since`` is read as POSIX seconds."""
        return CameraHealthChanged(
            camera_id=self.camera_id,
            condition=self.condition,
            previous=self.previous,
            detail=self.detail,
            since=datetime.fromtimestamp(self.since, UTC),
        )


@dataclass(frozen=True, kw_only=True)
class CameraHealthChanged(Event):
    """A camera's picture became unusable in a new way, or usable again (``condition`` = ``ok``)."""

    camera_id: str
    condition: HealthCondition
    previous: HealthCondition
    detail: str
    since: datetime
