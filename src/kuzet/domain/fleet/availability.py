"""Which cameras work: the stored health history, who is down now, and uptime over a window.

Uptime is the share of the owed time a camera's picture was ``ok``. Every non-ok condition (offline
included) counts as down. Time the device spent in a planned outage or written off is not owed and
leaves the denominator. Before its first recorded change a camera counts as ok and owed.

>>> from datetime import UTC, datetime, timedelta
>>> t0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
>>> down = [Step(t0 + timedelta(minutes=30), True), Step(t0 + timedelta(hours=1), False)]
>>> measure("street-1", "almaly", t0, t0 + timedelta(hours=2), down=down, not_owed=[]).fraction
0.75
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from kuzet.domain.fleet.health import HealthCondition
from kuzet.domain.fleet.lifecycle import DeviceState


@dataclass(frozen=True, slots=True)
class HealthRecord:
    """One stored change of a camera's picture condition."""

    camera_id: str
    condition: HealthCondition
    previous: HealthCondition
    since: datetime
    detail: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class CameraDown:
    """A camera whose latest condition is not ok: since when, why, and its lifecycle state."""

    camera_id: str
    district_id: str
    condition: HealthCondition
    since: datetime
    detail: str
    device_state: DeviceState


@dataclass(frozen=True, slots=True)
class Step:
    """A step function's value from ``at`` on: ``on`` = down (health) or not owed (lifecycle)."""

    at: datetime
    on: bool


@dataclass(frozen=True, slots=True)
class Availability:
    """Seconds owed and seconds down in a window, for one camera or summed over a district."""

    subject: str
    district_id: str
    owed_s: float
    down_s: float

    @property
    def fraction(self) -> float | None:
        """Share of owed time the camera worked; ``None`` when no time was owed."""
        return None if self.owed_s <= 0 else 1.0 - self.down_s / self.owed_s

    def __add__(self, other: Availability) -> Availability:
        return Availability(
            self.subject, self.district_id, self.owed_s + other.owed_s, self.down_s + other.down_s
        )


def _value_at(steps: Sequence[Step], times: Sequence[datetime], at: datetime) -> bool:
    index = bisect_right(times, at)
    return steps[index - 1].on if index else False


def measure(
    subject: str,
    district_id: str,
    start: datetime,
    end: datetime,
    *,
    down: Sequence[Step],
    not_owed: Sequence[Step],
) -> Availability:
    """Integrate both step functions over ``[start, end)``; steps before ``start`` set the opening value."""
    down = sorted(down, key=lambda s: s.at)
    not_owed = sorted(not_owed, key=lambda s: s.at)
    down_times, owed_times = [s.at for s in down], [s.at for s in not_owed]
    cuts = sorted({start, end, *(t for t in (*down_times, *owed_times) if start < t < end)})
    owed = lost = 0.0
    for a, b in pairwise(cuts):
        if _value_at(not_owed, owed_times, a):
            continue
        seconds = (b - a).total_seconds()
        owed += seconds
        if _value_at(down, down_times, a):
            lost += seconds
    return Availability(subject, district_id, owed, lost)


def by_district(cameras: Iterable[Availability]) -> list[Availability]:
    """Time-weighted totals per district (a district's uptime = its cameras' owed time that worked)."""
    totals: dict[str, Availability] = {}
    for camera in cameras:
        total = totals.get(camera.district_id)
        totals[camera.district_id] = (
            Availability(camera.district_id, camera.district_id, camera.owed_s, camera.down_s)
            if total is None
            else total + camera
        )
    return [totals[d] for d in sorted(totals)]
