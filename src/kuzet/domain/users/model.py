"""Users, roles, permissions and tenants.

A tenant is a party connected by agreement (a shop, a school, a district administration). Its users see
only its own cameras and the alert categories its agreement allows. Center staff have no tenant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from kuzet.domain.offenses import OffenseCategory

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    TENANT_VIEWER = "tenant_viewer"


class Permission(StrEnum):
    CAMERAS_READ = "cameras:read"
    CAMERAS_WRITE = "cameras:write"
    DISTRICTS_READ = "districts:read"
    OFFENSES_READ = "offenses:read"
    UNITS_READ = "units:read"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    TENANTS_READ = "tenants:read"
    AUDIT_READ = "audit:read"
    SESSION_READ = "session:read"
    ARCHIVE_READ = "archive:read"
    EVIDENCE_EXPORT = "evidence:export"
    LEGAL_HOLDS_READ = "legal_holds:read"
    LEGAL_HOLDS_WRITE = "legal_holds:write"
    UPLOADS_WRITE = "uploads:write"
    ALERTS_READ = "alerts:read"
    ALERTS_WRITE = "alerts:write"
    INCIDENTS_READ = "incidents:read"
    INCIDENTS_WRITE = "incidents:write"
    DISPATCH = "dispatch:write"
    CALLS_WRITE = "calls:write"
    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    FEED_READ = "feed:read"
    CAMERA_HEALTH_READ = "camera_health:read"
    FLEET_READ = "fleet:read"
    FLEET_WRITE = "fleet:write"


_ALL = frozenset(Permission)
_READ_OPS = frozenset(
    {
        Permission.CAMERAS_READ,
        Permission.DISTRICTS_READ,
        Permission.OFFENSES_READ,
        Permission.UNITS_READ,
        Permission.SESSION_READ,
        Permission.TENANTS_READ,
        Permission.CAMERA_HEALTH_READ,
        Permission.FLEET_READ,
    }
)

# The room's work: operators and supervisors handle alerts, incidents, calls, dispatch and tickets.
_OPERATIONS = frozenset(
    {
        Permission.ALERTS_READ,
        Permission.ALERTS_WRITE,
        Permission.INCIDENTS_READ,
        Permission.INCIDENTS_WRITE,
        Permission.DISPATCH,
        Permission.CALLS_WRITE,
        Permission.TICKETS_READ,
        Permission.TICKETS_WRITE,
        Permission.FEED_READ,
    }
)
_OPERATIONS_READ = frozenset(
    {Permission.ALERTS_READ, Permission.INCIDENTS_READ, Permission.TICKETS_READ, Permission.FEED_READ}
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _READ_OPS
    | {Permission.CAMERAS_WRITE, Permission.USERS_READ, Permission.AUDIT_READ}
    | {Permission.ARCHIVE_READ, Permission.UPLOADS_WRITE, Permission.EVIDENCE_EXPORT}
    | {Permission.LEGAL_HOLDS_READ, Permission.LEGAL_HOLDS_WRITE}
    | {Permission.FLEET_WRITE}
    | _OPERATIONS,
    # Operators play video back and bring in body-cam footage; exports and holds are a supervisor's call.
    Role.OPERATOR: _READ_OPS | {Permission.ARCHIVE_READ, Permission.UPLOADS_WRITE} | _OPERATIONS,
    Role.ANALYST: _READ_OPS | _OPERATIONS_READ,
    # Auditors check who did what (holds included) but do not watch the video themselves.
    Role.AUDITOR: frozenset(
        {
            Permission.AUDIT_READ,
            Permission.USERS_READ,
            Permission.SESSION_READ,
            Permission.OFFENSES_READ,
            Permission.LEGAL_HOLDS_READ,
        }
    ),
    Role.TENANT_VIEWER: frozenset(
        {
            Permission.CAMERAS_READ,
            Permission.OFFENSES_READ,
            Permission.TENANTS_READ,
            Permission.SESSION_READ,
            # A tenant sees only its own cameras' alerts, of the categories its agreement allows.
            Permission.ALERTS_READ,
            Permission.FEED_READ,
            # Which of its own cameras work, since when and why (not the fleet's repair records).
            Permission.CAMERA_HEALTH_READ,
        }
    ),
}


class TenantKind(StrEnum):
    SHOP = "shop"
    SCHOOL = "school"
    BUSINESS = "business"
    DISTRICT = "district"
    RESIDENTIAL = "residential"


@dataclass(frozen=True, slots=True)
class Tenant:
    """A party whose cameras are connected by agreement, and what its agreement lets it see."""

    id: str
    name: str
    kind: TenantKind
    allowed_categories: frozenset[OffenseCategory] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role
    tenant_id: str | None = None
    full_name: str = ""
    active: bool = True

    def __post_init__(self) -> None:
        if not USERNAME_PATTERN.match(self.username):
            raise ValueError(
                f"username {self.username!r} must be 2-64 characters of a-z, 0-9, '_', '.', '-' "
                "starting with a letter"
            )
        if self.role is Role.TENANT_VIEWER and self.tenant_id is None:
            raise ValueError(f"user {self.username}: a tenant_viewer must belong to a tenant")

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role]

    def can(self, permission: Permission) -> bool:
        return self.active and permission in self.permissions


@dataclass(frozen=True, slots=True)
class TenantScope:
    """What a request may see: everything (center staff) or one tenant's own things."""

    tenant_id: str | None

    @property
    def is_unrestricted(self) -> bool:
        return self.tenant_id is None

    @classmethod
    def for_user(cls, user: User) -> TenantScope:
        return cls(tenant_id=user.tenant_id)
