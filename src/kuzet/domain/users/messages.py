"""Commands and events of user accounts and sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from kuzet.domain.messages import Command, Event
from kuzet.domain.users.model import Role


@dataclass(frozen=True, kw_only=True)
class AddUser(Command):
    username: str
    password: str
    role: Role
    tenant_id: str | None = None
    full_name: str = ""


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
