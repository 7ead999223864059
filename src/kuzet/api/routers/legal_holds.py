"""Legal holds: keep a camera's video of a time range for a case (supervisors place and release them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import NOT_BLANK, Instant, link, links, time_range_rule
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.api.routers.archive import time_range
from kuzet.domain.archive.model import LegalHold, PlaceLegalHold, ReleaseLegalHold
from kuzet.domain.users.model import Permission
from kuzet.services.archive.legal_holds import hold_actor

router = APIRouter(prefix="/api/legal-holds", tags=["legal holds"], responses=responses(*AUTHENTICATED))

CanRead = Annotated[Principal, Depends(Authorize(Permission.LEGAL_HOLDS_READ, "view_legal_holds"))]
CanWrite = Annotated[
    Principal, Depends(Authorize(Permission.LEGAL_HOLDS_WRITE, "change_legal_holds", audit_view=False))
]


class LegalHoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camera_id: str = Field(max_length=64)
    start: Instant
    end: Instant
    case_number: str = Field(min_length=1, max_length=64, json_schema_extra=NOT_BLANK)
    reason: str = Field(min_length=1, max_length=500, json_schema_extra=NOT_BLANK)


class LegalHoldRelease(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, json_schema_extra=NOT_BLANK)


class LegalHoldPublic(BaseModel):
    id: str
    camera_id: str
    start: datetime
    end: datetime
    case_number: str
    reason: str
    placed_by: str
    placed_at: datetime
    active: bool
    released_at: datetime | None
    released_by: str | None
    release_reason: str | None

    @classmethod
    def of(cls, hold: LegalHold) -> LegalHoldPublic:
        return cls(
            id=hold.id,
            camera_id=hold.camera_id,
            start=hold.range.start,
            end=hold.range.end,
            case_number=hold.case_number,
            reason=hold.reason,
            placed_by=hold.placed_by,
            placed_at=hold.placed_at,
            active=hold.active,
            released_at=hold.released_at,
            released_by=hold.released_by,
            release_reason=hold.release_reason,
        )


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            ReleaseFirstHold=link(
                "POST",
                "/api/legal-holds/{hold_id}/release",
                "Release the first hold",
                hold_id="$response.body#/0/id",
            )
        )
    },
)
def list_legal_holds(
    _: CanRead, kuzet: KuzetDep, camera_id: str | None = None, include_released: bool = False
) -> list[LegalHoldPublic]:
    holds = kuzet.archive.holds.list(camera_id, active_only=not include_released)
    return [LegalHoldPublic.of(h) for h in holds]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description=f"Keep the camera's video of the range for a case. {time_range_rule()}",
    responses=responses(400, 404, 422)
    | {
        201: links(
            ReleaseHold=link(
                "POST", "/api/legal-holds/{hold_id}/release", "Release the hold", hold_id="$response.body#/id"
            )
        )
    },
)
def place_legal_hold(body: LegalHoldCreate, principal: CanWrite, kuzet: KuzetDep) -> LegalHoldPublic:
    command = PlaceLegalHold(
        camera_id=body.camera_id,
        range=time_range(body.start, body.end, "body"),
        case_number=body.case_number,
        reason=body.reason,
        placed_by=principal.user.username,
    )
    hold = kuzet.messagebus.handle(command, hold_actor(principal.actor, body.case_number, body.reason))
    assert isinstance(hold, LegalHold)
    return LegalHoldPublic.of(hold)


@router.post("/{hold_id}/release", responses=responses(400, 404, 409, 422))
def release_legal_hold(
    hold_id: str, body: LegalHoldRelease, principal: CanWrite, kuzet: KuzetDep
) -> LegalHoldPublic:
    held = kuzet.archive.holds.get(hold_id)
    command = ReleaseLegalHold(hold_id=hold_id, reason=body.reason, released_by=principal.user.username)
    hold = kuzet.messagebus.handle(command, hold_actor(principal.actor, held.case_number, body.reason))
    assert isinstance(hold, LegalHold)
    return LegalHoldPublic.of(hold)
