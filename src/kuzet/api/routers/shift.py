"""The operator's shift log: start, notes, hand-over and end, kept in the tamper-evident audit chain.

Every action an operator takes is already audited; the shift log is that record seen per shift, plus the
free-text entries (hand-over notes, phone calls taken outside Kuzet) an operator adds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/shift", tags=["shift"], responses=responses(*AUTHENTICATED))
SHIFT_START, SHIFT_END, SHIFT_NOTE = "shift_start", "shift_end", "shift_note"


class ShiftEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["start", "note", "end"] = "note"
    text: str = Field("", max_length=2000)


class ShiftRecordPublic(BaseModel):
    seq: int
    at: datetime
    action: str
    target: str
    outcome: str
    text: str


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(422))
def add_entry(
    body: ShiftEntry,
    principal: Annotated[
        Principal, Depends(Authorize(Permission.INCIDENTS_WRITE, "shift_log", audit_view=False))
    ],
    kuzet: KuzetDep,
) -> ShiftRecordPublic:
    action = {"start": SHIFT_START, "end": SHIFT_END, "note": SHIFT_NOTE}[body.kind]
    record = kuzet.audit.record(
        principal.actor.audit(action, f"user:{principal.user.username}", text=body.text)
    )
    return ShiftRecordPublic(
        seq=record.seq,
        at=record.entry.at,
        action=action,
        target=record.entry.target,
        outcome=record.entry.outcome.value,
        text=body.text,
    )


@router.get("", responses=responses(422))
def current_shift(
    principal: Annotated[Principal, Depends(Authorize(Permission.INCIDENTS_READ, "view_shift_log"))],
    kuzet: KuzetDep,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> list[ShiftRecordPublic]:
    """What this operator did since their shift started, newest first."""
    records = []
    for record in kuzet.audit.recent(limit, principal.user.username):
        records.append(
            ShiftRecordPublic(
                seq=record.seq,
                at=record.entry.at,
                action=record.entry.action,
                target=record.entry.target,
                outcome=record.entry.outcome.value,
                text=record.entry.details.get("text", ""),
            )
        )
        if record.entry.action == SHIFT_START:
            break
    return records
