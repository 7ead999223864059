"""Ports of the fleet: picture-health history, device lifecycle, maintenance tickets."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from kuzet.domain.fleet.availability import CameraDown, HealthRecord
from kuzet.domain.fleet.lifecycle import DeviceState, DeviceStatus, MaintenanceTicket
from kuzet.domain.users.model import TenantScope


class CameraHealthRepository(Protocol):
    def add(self, record: HealthRecord) -> None: ...
    def latest(self, camera_id: str) -> HealthRecord | None: ...
    def down_now(self, scope: TenantScope, district_id: str | None = None) -> list[CameraDown]: ...
    def in_window(
        self,
        start: datetime,
        end: datetime,
        scope: TenantScope,
        district_id: str | None = None,
        camera_id: str | None = None,
    ) -> list[HealthRecord]: ...


class DeviceStateRepository(Protocol):
    def get(self, camera_id: str) -> DeviceStatus | None: ...
    def save(self, status: DeviceStatus, expected_version: int) -> None:
        """Write if the stored version is still ``expected_version`` (0: none yet), else StaleVersionError."""

    def visible(self, scope: TenantScope, state: DeviceState | None = None) -> list[DeviceStatus]: ...
    def history(self, camera_id: str) -> list[DeviceStatus]: ...
    def in_window(
        self,
        start: datetime,
        end: datetime,
        scope: TenantScope,
        district_id: str | None = None,
        camera_id: str | None = None,
    ) -> list[DeviceStatus]: ...
    def faults_since_before(self, before: datetime) -> list[DeviceStatus]: ...


class MaintenanceTicketRepository(Protocol):
    def add(self, ticket: MaintenanceTicket) -> None: ...
    def update(self, ticket: MaintenanceTicket) -> None: ...
    def get(self, ticket_id: str) -> MaintenanceTicket | None: ...
    def list(
        self, scope: TenantScope, open_only: bool = False, camera_id: str | None = None, limit: int = 200
    ) -> list[MaintenanceTicket]: ...
