"""The patrol unit register in the store."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuzet.adapters.store.operations.tables import PatrolUnitRow
from kuzet.adapters.store.values import point_or_none
from kuzet.domain.operations.units import PatrolUnit, UnitKind, UnitStatus
from kuzet.errors import ConflictError


def _unit(row: PatrolUnitRow) -> PatrolUnit:
    return PatrolUnit(
        row.id,
        row.call_sign,
        UnitKind(row.kind),
        row.district_id,
        UnitStatus(row.status),
        point_or_none(row.lat, row.lon),
    )


class SqlUnitRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, unit: PatrolUnit) -> None:
        if self._session.get(PatrolUnitRow, unit.id) is not None:
            raise ConflictError(f"unit {unit.id!r} already exists")
        self._session.add(
            PatrolUnitRow(
                id=unit.id,
                call_sign=unit.call_sign,
                kind=unit.kind.value,
                district_id=unit.district_id,
                status=unit.status.value,
                lat=unit.position.lat if unit.position else None,
                lon=unit.position.lon if unit.position else None,
            )
        )
        self._session.flush()

    def get(self, unit_id: str) -> PatrolUnit | None:
        row = self._session.get(PatrolUnitRow, unit_id)
        return None if row is None else _unit(row)

    def list(self, district_id: str | None = None) -> list[PatrolUnit]:
        query = select(PatrolUnitRow).order_by(PatrolUnitRow.id)
        if district_id is not None:
            query = query.where(PatrolUnitRow.district_id == district_id)
        return [_unit(r) for r in self._session.scalars(query)]
