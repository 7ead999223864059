"""Unit of work: one session, one transaction, all repositories; events go to the outbox in it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kuzet.adapters.bus import codec
from kuzet.adapters.store.archive.repositories import (
    SqlEvidenceExportRepository,
    SqlLegalHoldRepository,
    SqlSegmentRepository,
    SqlUploadRepository,
)
from kuzet.adapters.store.audit.repository import SqlAuditRepository
from kuzet.adapters.store.cameras.repositories import SqlCameraRepository, SqlDistrictRepository
from kuzet.adapters.store.fleet.repositories import (
    SqlCameraHealthRepository,
    SqlDeviceStateRepository,
    SqlMaintenanceTicketRepository,
)
from kuzet.adapters.store.operations.repositories import (
    SqlAlertRepository,
    SqlIncidentRepository,
    SqlSosDeviceRepository,
    SqlTicketRepository,
    SqlUnitTracking,
)
from kuzet.adapters.store.operations.units import SqlUnitRepository
from kuzet.adapters.store.processed_events import SqlProcessedEvents
from kuzet.adapters.store.tables import OutboxRow
from kuzet.adapters.store.users.repositories import SqlTenantRepository, SqlUserRepository
from kuzet.domain.messages import Event
from kuzet.errors import ConflictError, StoreUnavailableError


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()``; leaving the block without commit rolls everything back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._events: list[Event] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.cameras = SqlCameraRepository(self.session)
        self.districts = SqlDistrictRepository(self.session)
        self.tenants = SqlTenantRepository(self.session)
        self.users = SqlUserRepository(self.session)
        self.units = SqlUnitRepository(self.session)
        self.audit = SqlAuditRepository(self.session)
        self.processed_events = SqlProcessedEvents(self.session)
        self.segments = SqlSegmentRepository(self.session)
        self.legal_holds = SqlLegalHoldRepository(self.session)
        self.uploads = SqlUploadRepository(self.session)
        self.evidence_exports = SqlEvidenceExportRepository(self.session)
        self.alerts = SqlAlertRepository(self.session)
        self.incidents = SqlIncidentRepository(self.session)
        self.unit_tracking = SqlUnitTracking(self.session)
        self.sos_devices = SqlSosDeviceRepository(self.session)
        self.tickets = SqlTicketRepository(self.session)
        self.camera_health = SqlCameraHealthRepository(self.session)
        self.device_states = SqlDeviceStateRepository(self.session)
        self.maintenance_tickets = SqlMaintenanceTicketRepository(self.session)
        self._events = []
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def emit(self, event: Event) -> None:
        """Record an event; it is written to the outbox on commit, in the same transaction."""
        self._events.append(event)

    def commit(self) -> None:
        now = datetime.now(UTC)
        for event in self._events:
            self.session.add(
                OutboxRow(
                    event_id=str(event.event_id),
                    event_type=event.type_name(),
                    payload=codec.encode(event).decode(),
                    created_at=now,
                    published_at=None,
                )
            )
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise ConflictError(f"the change clashes with stored data: {exc.orig}") from None
        except OperationalError as exc:
            self.session.rollback()
            raise StoreUnavailableError(f"the database refused the change: {exc.orig}") from None

    def rollback(self) -> None:
        self.session.rollback()
        self._events = []

    def collect_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events
