"""Foundation events. Later capabilities add their own modules of events (analytics, alerts, ...)."""

from __future__ import annotations

from dataclasses import dataclass

from kuzet.domain.messages import Event


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


@dataclass(frozen=True, kw_only=True)
class UserAdded(Event):
    username: str
    role: str
    tenant_id: str | None


@dataclass(frozen=True, kw_only=True)
class UserSignedIn(Event):
    username: str


@dataclass(frozen=True, kw_only=True)
class SignInFailed(Event):
    username: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class PatrolUnitRegistered(Event):
    unit_id: str
    kind: str
    district_id: str
