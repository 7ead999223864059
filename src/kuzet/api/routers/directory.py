"""Reference data: districts, the offense taxonomy, tenants and patrol units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users import Permission

router = APIRouter(prefix="/api", tags=["directory"])


class DistrictPublic(BaseModel):
    id: str
    name: str
    lat: float
    lon: float


class OffensePublic(BaseModel):
    code: str
    category: str
    default_priority: int
    handler: str
    may_become_protocol: bool
    needs_classifier: bool
    legal_article: str | None


class TenantPublic(BaseModel):
    id: str
    name: str
    kind: str
    allowed_categories: list[str]


class UnitPublic(BaseModel):
    id: str
    call_sign: str
    kind: str
    district_id: str
    status: str
    lat: float | None
    lon: float | None


@router.get("/districts")
def list_districts(
    _: Annotated[Principal, Depends(Authorize(Permission.DISTRICTS_READ, "view_districts"))], kuzet: KuzetDep
) -> list[DistrictPublic]:
    with kuzet.uow() as uow:
        districts = uow.districts.list()
    return [DistrictPublic(id=d.id, name=d.name, lat=d.center.lat, lon=d.center.lon) for d in districts]


@router.get("/offenses")
def list_offenses(
    principal: Annotated[Principal, Depends(Authorize(Permission.OFFENSES_READ, "view_offenses"))],
    kuzet: KuzetDep,
) -> list[OffensePublic]:
    """The taxonomy; a tenant sees only the categories its agreement allows."""
    allowed: frozenset[OffenseCategory] | None = None
    if not principal.scope.is_unrestricted:
        with kuzet.uow() as uow:
            tenant = uow.tenants.get(principal.scope.tenant_id or "")
        allowed = tenant.allowed_categories if tenant else frozenset()
    return [
        OffensePublic(
            code=o.code,
            category=o.category.value,
            default_priority=int(o.default_priority),
            handler=o.handler.value,
            may_become_protocol=o.may_become_protocol,
            needs_classifier=o.needs_classifier,
            legal_article=o.legal_article,
        )
        for o in kuzet.taxonomy
        if allowed is None or o.category in allowed
    ]


@router.get("/tenants")
def list_tenants(
    principal: Annotated[Principal, Depends(Authorize(Permission.TENANTS_READ, "view_tenants"))],
    kuzet: KuzetDep,
) -> list[TenantPublic]:
    with kuzet.uow() as uow:
        tenants = uow.tenants.list(principal.scope)
    return [
        TenantPublic(id=t.id, name=t.name, kind=t.kind.value, allowed_categories=sorted(t.allowed_categories))
        for t in tenants
    ]


@router.get("/units")
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
            kind=u.kind.value,
            district_id=u.district_id,
            status=u.status.value,
            lat=u.position.lat if u.position else None,
            lon=u.position.lon if u.position else None,
        )
        for u in units
    ]
