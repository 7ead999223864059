"""Command dispatch: one handler per command type, run in one unit of work with its audit record.

The change, its events (outbox) and its audit record commit together or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kuzet.domain.messages import Command
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWork, UnitOfWorkFactory

C = TypeVar("C", bound=Command)
CommandHandler = Callable[[Any, UnitOfWork], "Handled"]


class Handled:
    """What a handler did: the target to audit and a value for the caller."""

    __slots__ = ("target", "value")

    def __init__(self, target: str, value: object = None) -> None:
        self.target = target
        self.value = value


def audit_action(command_type: type[Command]) -> str:
    """``RegisterCamera`` → ``register_camera``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", command_type.__name__).lower()


class MessageBus:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, handlers: Mapping[type[Command], CommandHandler]
    ) -> None:
        self._uow_factory = uow_factory
        self._handlers = dict(handlers)
        self.on_commit: Callable[[], None] | None = None  # wakes the outbox relay in a serving process

    def handle(self, command: Command, actor: Actor) -> object:
        try:
            handler = self._handlers[type(command)]
        except KeyError:
            raise TypeError(f"no handler registered for {type(command).__name__}") from None
        with self._uow_factory() as uow:
            result = handler(command, uow)
            if command.audited:
                uow.audit.append(actor.audit(audit_action(type(command)), result.target))
            uow.commit()
        if self.on_commit is not None:
            self.on_commit()
        return result.value
