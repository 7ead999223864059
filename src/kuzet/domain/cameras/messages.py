"""Commands and events of cameras and the site's reference data."""

from __future__ import annotations

from dataclasses import dataclass

from kuzet.domain.cameras.model import Camera, District
from kuzet.domain.messages import Command, Event
from kuzet.domain.operations.units import PatrolUnit
from kuzet.domain.users.model import Tenant


@dataclass(frozen=True, kw_only=True)
class RegisterCamera(Command):
    camera: Camera


@dataclass(frozen=True, kw_only=True)
class ImportCameras(Command):
    """Register many cameras in one transaction: all of them or none."""

    cameras: tuple[Camera, ...]
    replace_existing: bool = False


@dataclass(frozen=True, kw_only=True)
class RemoveCamera(Command):
    camera_id: str


@dataclass(frozen=True, kw_only=True)
class ImportSite(Command):
    """Bring a site's reference data in, in one transaction: what exists is kept, what is new is added."""

    districts: tuple[District, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    units: tuple[PatrolUnit, ...] = ()
    cameras: tuple[Camera, ...] = ()
    replace_cameras: bool = False


@dataclass(frozen=True, kw_only=True)
class CameraRegistered(Event):
    camera_id: str
    kind: str
    district_id: str
    owner_tenant_id: str | None


@dataclass(frozen=True, kw_only=True)
class CameraUpdated(Event):
    camera_id: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CameraRemoved(Event):
    camera_id: str
