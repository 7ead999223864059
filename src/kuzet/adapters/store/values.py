"""Column values back to domain values, the same way in every repository."""

from __future__ import annotations

from datetime import UTC, datetime

from kuzet.domain.geo import GeoPoint


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything Kuzet stores is UTC, so the zone is put back."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def point_or_none(lat: float | None, lon: float | None) -> GeoPoint | None:
    return GeoPoint(lat, lon) if lat is not None and lon is not None else None
