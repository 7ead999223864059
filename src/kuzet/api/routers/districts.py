"""Districts of the city."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api", tags=["districts"], responses=responses(*AUTHENTICATED))


class DistrictPublic(BaseModel):
    id: str
    name: str
    lat: float
    lon: float


@router.get("/districts")
def list_districts(
    _: Annotated[Principal, Depends(Authorize(Permission.DISTRICTS_READ, "view_districts"))], kuzet: KuzetDep
) -> list[DistrictPublic]:
    with kuzet.uow() as uow:
        districts = uow.districts.list()
    return [DistrictPublic(id=d.id, name=d.name, lat=d.center.lat, lon=d.center.lon) for d in districts]
