"""Ports: the interfaces services need, implemented by adapters chosen in ``bootstrap()``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from kuzet.domain.messages import Event
from kuzet.services.archive.ports import (
    EvidenceExportRepository,
    LegalHoldRepository,
    SegmentRepository,
    UploadRepository,
)
from kuzet.services.audit.ports import AuditRepository
from kuzet.services.cameras.ports import CameraRepository, DistrictRepository
from kuzet.services.fleet.ports import (
    CameraHealthRepository,
    DeviceStateRepository,
    MaintenanceTicketRepository,
)
from kuzet.services.operations.ports import (
    AlertRepository,
    IncidentRepository,
    SosDeviceRepository,
    TicketRepository,
    UnitRepository,
    UnitTracking,
)
from kuzet.services.users.ports import TenantRepository, UserRepository

EventHandler = Callable[[Event], Awaitable[None]]


class EventBus(Protocol):
    """Publish events; deliver them at least once to named, durable consumers."""

    async def start(self) -> None: ...

    async def publish(self, event: Event) -> None: ...

    async def subscribe(
        self, consumer: str, event_types: Sequence[type[Event]], handler: EventHandler
    ) -> None:
        """Deliver events of these types to ``handler``; a handler that raises gets the event again."""

    async def close(self) -> None: ...


class ProcessedEvents(Protocol):
    """Which event ids a consumer has already handled (for idempotent, at-least-once handling)."""

    def already_processed(self, consumer: str, event_id: UUID) -> bool: ...

    def mark_processed(self, consumer: str, event_id: UUID) -> None: ...


class UnitOfWork(Protocol):
    """One transaction over all repositories: commit all or nothing."""

    @property
    def cameras(self) -> CameraRepository: ...
    @property
    def districts(self) -> DistrictRepository: ...
    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def units(self) -> UnitRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def processed_events(self) -> ProcessedEvents: ...
    @property
    def segments(self) -> SegmentRepository: ...
    @property
    def legal_holds(self) -> LegalHoldRepository: ...
    @property
    def uploads(self) -> UploadRepository: ...
    @property
    def evidence_exports(self) -> EvidenceExportRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...
    @property
    def incidents(self) -> IncidentRepository: ...
    @property
    def unit_tracking(self) -> UnitTracking: ...
    @property
    def sos_devices(self) -> SosDeviceRepository: ...
    @property
    def tickets(self) -> TicketRepository: ...
    @property
    def camera_health(self) -> CameraHealthRepository: ...
    @property
    def device_states(self) -> DeviceStateRepository: ...
    @property
    def maintenance_tickets(self) -> MaintenanceTicketRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def collect_events(self) -> list[Event]: ...
    def emit(self, event: Event) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
