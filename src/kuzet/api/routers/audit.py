"""The audit trail: read recent records and verify the chain (auditors, supervisors, admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/audit", tags=["audit"], responses=responses(*AUTHENTICATED))
CanRead = Annotated[Principal, Depends(Authorize(Permission.AUDIT_READ, "view_audit"))]


class AuditRecordPublic(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    outcome: AuditOutcome
    reason: str
    case_number: str
    tenant_id: str | None
    details: dict[str, str]
    hash: str


class ChainReportPublic(BaseModel):
    intact: bool
    records_checked: int
    records_expected: int
    problems: list[str]


@router.get("", responses=responses(422))
def list_audit_records(
    _: CanRead, kuzet: KuzetDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100, actor: str | None = None
) -> list[AuditRecordPublic]:
    return [
        AuditRecordPublic(
            seq=r.seq,
            at=r.entry.at,
            actor=r.entry.actor,
            action=r.entry.action,
            target=r.entry.target,
            outcome=r.entry.outcome,
            reason=r.entry.reason,
            case_number=r.entry.case_number,
            tenant_id=r.entry.tenant_id,
            details=dict(r.entry.details),
            hash=r.hash,
        )
        for r in kuzet.audit.recent(limit, actor)
    ]


@router.get("/verify")
def verify_audit_chain(_: CanRead, kuzet: KuzetDep) -> ChainReportPublic:
    report = kuzet.audit.verify()
    return ChainReportPublic(
        intact=report.intact,
        records_checked=report.records_checked,
        records_expected=report.records_expected,
        problems=[str(p) for p in report.problems],
    )
