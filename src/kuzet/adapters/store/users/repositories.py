"""Repositories of users and tenants."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuzet.adapters.store.users.tables import TenantRow, UserRow
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.users.model import Role, Tenant, TenantKind, TenantScope, User
from kuzet.errors import ConflictError


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(
        row.id, row.name, TenantKind(row.kind), frozenset(OffenseCategory(c) for c in row.allowed_categories)
    )


class SqlTenantRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, tenant: Tenant) -> None:
        if self._session.get(TenantRow, tenant.id) is not None:
            raise ConflictError(f"tenant {tenant.id!r} already exists")
        self._session.add(
            TenantRow(
                id=tenant.id,
                name=tenant.name,
                kind=tenant.kind.value,
                allowed_categories=sorted(c.value for c in tenant.allowed_categories),
            )
        )
        self._session.flush()

    def get(self, tenant_id: str) -> Tenant | None:
        row = self._session.get(TenantRow, tenant_id)
        return None if row is None else _tenant(row)

    def list(self, scope: TenantScope) -> list[Tenant]:
        query = select(TenantRow).order_by(TenantRow.id)
        if not scope.is_unrestricted:
            query = query.where(TenantRow.id == scope.tenant_id)
        return [_tenant(r) for r in self._session.scalars(query)]


def _user(row: UserRow) -> User:
    return User(row.username, Role(row.role), row.tenant_id, row.full_name, row.active)


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User, password_hash: str) -> None:
        if self._session.get(UserRow, user.username) is not None:
            raise ConflictError(f"user {user.username!r} already exists")
        self._session.add(
            UserRow(
                username=user.username,
                password_hash=password_hash,
                role=user.role.value,
                tenant_id=user.tenant_id,
                full_name=user.full_name,
                active=user.active,
            )
        )
        self._session.flush()

    def get(self, username: str) -> User | None:
        row = self._session.get(UserRow, username)
        return None if row is None else _user(row)

    def password_hash(self, username: str) -> str | None:
        row = self._session.get(UserRow, username)
        return None if row is None else row.password_hash

    def set_password_hash(self, username: str, password_hash: str) -> None:
        row = self._session.get(UserRow, username)
        if row is None:
            raise ConflictError(f"user {username!r} does not exist")
        row.password_hash = password_hash

    def list(self) -> list[User]:
        return [_user(r) for r in self._session.scalars(select(UserRow).order_by(UserRow.username))]
