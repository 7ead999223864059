"""Municipal tickets: street lights, roads, utilities — routed to the service that fixes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import link, links
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.field import MunicipalTicket, TicketStatus
from kuzet.domain.operations.messages import MoveTicket
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/tickets", tags=["tickets"], responses=responses(*AUTHENTICATED))


class TicketPublic(BaseModel):
    id: str
    code: str
    service: str
    status: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    camera_id: str | None
    alert_id: str | None
    note: str

    @classmethod
    def of(cls, t: MunicipalTicket) -> TicketPublic:
        return cls(
            id=t.id,
            code=t.code,
            service=t.service,
            status=t.status.value,
            opened_at=t.opened_at,
            due_at=t.due_at,
            overdue=t.overdue(utc_now()),
            camera_id=t.camera_id,
            alert_id=t.alert_id,
            note=t.note,
        )


class TicketMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: TicketStatus
    note: str = Field("", max_length=2000)


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            MoveFirstTicket=link(
                "POST",
                "/api/tickets/{ticket_id}/status",
                "Move the newest ticket",
                ticket_id="$response.body#/0/id",
            )
        )
    },
)
def list_tickets(
    _: Annotated[Principal, Depends(Authorize(Permission.TICKETS_READ, "view_tickets"))],
    kuzet: KuzetDep,
    open_only: bool = True,
) -> list[TicketPublic]:
    with kuzet.uow() as uow:
        return [TicketPublic.of(t) for t in uow.tickets.recent(open_only)]


@router.post("/{ticket_id}/status", responses=responses(404, 409, 422))
def move_ticket(
    ticket_id: str,
    body: TicketMove,
    principal: Annotated[
        Principal, Depends(Authorize(Permission.TICKETS_WRITE, "move_ticket", audit_view=False))
    ],
    kuzet: KuzetDep,
) -> TicketPublic:
    command = MoveTicket(by=principal.user.username, ticket_id=ticket_id, status=body.status, note=body.note)
    ticket = kuzet.messagebus.handle(command, principal.actor)
    assert isinstance(ticket, MunicipalTicket)
    return TicketPublic.of(ticket)
