"""Legal holds: keep a camera's video of a time range for a case, whatever retention says.

Placing and releasing go through the message bus, so each is audited in its own transaction with the
hold's case number and reason (``hold_actor``).
"""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

from kuzet.domain.archive.events import LegalHoldPlaced, LegalHoldReleased
from kuzet.domain.archive.model import LegalHold, PlaceLegalHold, ReleaseLegalHold
from kuzet.domain.messages import utc_now
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.archive.errors import ReasonRequiredError
from kuzet.services.archive.segments import EVERYTHING
from kuzet.services.context import Actor
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork, UnitOfWorkFactory


def hold_actor(actor: Actor, case_number: str, reason: str) -> Actor:
    """The actor as audited for a hold: with the hold's case and reason, not the request's headers."""
    return replace(actor, reason=reason, case_number=case_number)


def place_legal_hold(command: PlaceLegalHold, uow: UnitOfWork) -> Handled:
    known = uow.cameras.get(command.camera_id, EVERYTHING) is not None
    if not known and uow.segments.totals(command.camera_id).segments == 0:
        raise NotFoundError(f"camera {command.camera_id!r} is not registered and has no archived video")
    try:
        hold = LegalHold(
            id=str(uuid4()),
            camera_id=command.camera_id,
            range=command.range,
            case_number=command.case_number.strip(),
            reason=command.reason.strip(),
            placed_by=command.placed_by,
            placed_at=utc_now(),
        )
    except ValueError as exc:
        raise ReasonRequiredError(str(exc)) from None
    uow.legal_holds.add(hold)
    uow.emit(
        LegalHoldPlaced(
            hold_id=hold.id,
            camera_id=hold.camera_id,
            start=hold.range.start,
            end=hold.range.end,
            case_number=hold.case_number,
        )
    )
    return Handled(target=f"legal_hold:{hold.id}", value=hold)


def release_legal_hold(command: ReleaseLegalHold, uow: UnitOfWork) -> Handled:
    if not command.reason.strip():
        raise ReasonRequiredError("releasing a legal hold needs a reason")
    hold = uow.legal_holds.get(command.hold_id)
    if hold is None:
        raise NotFoundError(f"legal hold {command.hold_id!r} not found")
    if not hold.active:
        raise ConflictError(f"legal hold {command.hold_id!r} was already released")
    released = replace(
        hold, released_at=utc_now(), released_by=command.released_by, release_reason=command.reason.strip()
    )
    uow.legal_holds.update(released)
    uow.emit(LegalHoldReleased(hold_id=hold.id, camera_id=hold.camera_id, case_number=hold.case_number))
    return Handled(target=f"legal_hold:{hold.id}", value=released)


class LegalHolds:
    """Read side of the holds (changes go through the message bus)."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def list(self, camera_id: str | None = None, active_only: bool = True) -> list[LegalHold]:
        with self._uow_factory() as uow:
            return uow.legal_holds.list(camera_id, active_only)

    def get(self, hold_id: str) -> LegalHold:
        with self._uow_factory() as uow:
            hold = uow.legal_holds.get(hold_id)
        if hold is None:
            raise NotFoundError(f"legal hold {hold_id!r} not found")
        return hold
