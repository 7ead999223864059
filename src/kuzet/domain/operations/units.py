"""Patrol units: the cars, foot patrols and traffic police the center dispatches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kuzet.domain.geo import GeoPoint


class UnitKind(StrEnum):
    PATROL_CAR = "patrol_car"
    FOOT_PATROL = "foot_patrol"
    TRAFFIC_POLICE = "traffic_police"


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    BUSY = "busy"
    OFF_DUTY = "off_duty"


@dataclass(frozen=True, slots=True)
class PatrolUnit:
    id: str
    call_sign: str
    kind: UnitKind
    district_id: str
    status: UnitStatus = UnitStatus.AVAILABLE
    position: GeoPoint | None = None
