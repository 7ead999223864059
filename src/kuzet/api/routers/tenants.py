"""Tenants: parties connected by agreement; a tenant sees only itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api", tags=["tenants"], responses=responses(*AUTHENTICATED))


class TenantPublic(BaseModel):
    id: str
    name: str
    kind: str
    allowed_categories: list[str]


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
