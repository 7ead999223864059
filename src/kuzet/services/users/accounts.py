"""Users: adding them and signing them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kuzet.domain.audit.chain import AuditOutcome
from kuzet.domain.users.messages import AddUser, SignInFailed, UserAdded, UserSignedIn
from kuzet.domain.users.model import User
from kuzet.errors import KuzetError, NotFoundError
from kuzet.services.context import Actor
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork, UnitOfWorkFactory
from kuzet.services.users.throttle import LoginThrottle

MIN_PASSWORD_LENGTH = 10


class Passwords(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class WeakPasswordError(KuzetError):
    pass


class SignInError(KuzetError):
    """Wrong username or password; deliberately does not say which."""


class SignInThrottledError(KuzetError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed sign-ins; try again in {int(retry_after) + 1} s")
        self.retry_after = retry_after


def add_user(command: AddUser, uow: UnitOfWork, passwords: Passwords) -> Handled:
    if len(command.password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user = User(command.username, command.role, command.tenant_id, command.full_name)
    if user.tenant_id is not None and uow.tenants.get(user.tenant_id) is None:
        raise NotFoundError(f"user {user.username}: unknown tenant {user.tenant_id!r}")
    uow.users.add(user, passwords.hash(command.password))
    uow.emit(UserAdded(username=user.username, role=user.role.value, tenant_id=user.tenant_id))
    return Handled(target=f"user:{user.username}", value=user)


@dataclass(frozen=True, slots=True)
class SignIn:
    """Checks a password, throttles repeated failures and audits every attempt."""

    uow_factory: UnitOfWorkFactory
    passwords: Passwords
    throttle: LoginThrottle

    def __call__(self, username: str, password: str, client: str) -> User:
        keys = (f"user:{username.lower()}", f"addr:{client}")
        actor = Actor(name=username[:64] or "?", source=client)
        with self.uow_factory() as uow:
            wait = self.throttle.retry_after(*keys)
            if wait > 0:
                uow.audit.append(
                    actor.audit("sign_in", f"user:{username}", AuditOutcome.DENIED, why="throttled")
                )
                uow.commit()
                raise SignInThrottledError(wait)
            user, stored = uow.users.get(username), uow.users.password_hash(username)
            if (
                user is None
                or stored is None
                or not user.active
                or not self.passwords.verify(stored, password)
            ):
                self.throttle.record_failure(*keys)
                uow.audit.append(actor.audit("sign_in", f"user:{username}", AuditOutcome.FAILED))
                uow.emit(SignInFailed(username=username[:64], reason="bad credentials"))
                uow.commit()
                raise SignInError("wrong username or password")
            if self.passwords.needs_rehash(stored):
                uow.users.set_password_hash(username, self.passwords.hash(password))
            self.throttle.reset(keys[0])
            uow.audit.append(
                Actor(user.username, user.tenant_id, source=client).audit("sign_in", f"user:{username}")
            )
            uow.emit(UserSignedIn(username=user.username))
            uow.commit()
            return user
