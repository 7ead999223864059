"""Patrol units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.operations.units import UnitKind, UnitStatus
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api", tags=["units"], responses=responses(*AUTHENTICATED))


class UnitPublic(BaseModel):
    id: str
    call_sign: str
    kind: UnitKind
    district_id: str
    status: UnitStatus
    lat: float | None
    lon: float | None


@router.get("/units", responses=responses(422))
def list_units(
    _: Annotated[Principal, Depends(Authorize(Permission.UNITS_READ, "view_units"))],
    kuzet: KuzetDep,
    district_id: str | None = None,
) -> list[UnitPublic]:
    with kuzet.uow() as uow:
        units = uow.units.list(district_id)
    return [
        UnitPublic(
            id=u.id,
            call_sign=u.call_sign,
            kind=u.kind,
            district_id=u.district_id,
            status=u.status,
            lat=u.position.lat if u.position else None,
            lon=u.position.lon if u.position else None,
        )
        for u in units
    ]
