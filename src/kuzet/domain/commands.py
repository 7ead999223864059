"""Foundation commands: imperative requests, each handled by exactly one handler."""

from __future__ import annotations

from dataclasses import dataclass

from kuzet.domain.cameras import Camera, District
from kuzet.domain.messages import Command
from kuzet.domain.units import PatrolUnit
from kuzet.domain.users import Role, Tenant


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
class AddUser(Command):
    username: str
    password: str
    role: Role
    tenant_id: str | None = None
    full_name: str = ""


@dataclass(frozen=True, kw_only=True)
class ImportSite(Command):
    """Bring a site's reference data in, in one transaction: what exists is kept, what is new is added."""

    districts: tuple[District, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    units: tuple[PatrolUnit, ...] = ()
    cameras: tuple[Camera, ...] = ()
    replace_cameras: bool = False
