"""The offense taxonomy, filtered by a tenant's agreement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api", tags=["offenses"], responses=responses(*AUTHENTICATED))


class OffensePublic(BaseModel):
    code: str
    category: str
    default_priority: int
    handler: str
    may_become_protocol: bool
    needs_classifier: bool
    legal_article: str | None


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
