"""Messages: commands (imperative, one handler) and events (past tense, any number of handlers).

Both are frozen dataclasses. Every event subclass is registered by name when it is defined, so the bus
can derive its topic from the type and decode it back without parsing strings by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID, uuid4


def utc_now() -> datetime:
    return datetime.now(UTC)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True, kw_only=True)
class Command:
    """Something a user or process asks Kuzet to do (imperative name: ``RegisterCamera``).

    ``audited`` is False only for machine traffic (analytics hits, GPS fixes) that would drown the log.
    """

    audited: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened (past-tense name: ``CameraRegistered``).

    ``event_id`` makes handling idempotent: a consumer that sees the same id twice acts once.
    """

    registry: ClassVar[dict[str, type[Event]]] = {}

    event_id: UUID = field(default_factory=uuid4)
    occurred_at: datetime = field(default_factory=utc_now)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__ in Event.registry:
            raise TypeError(f"event type {cls.__name__} is defined twice")
        Event.registry[cls.__name__] = cls

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    @classmethod
    def topic(cls) -> str:
        """The bus subject for this type, e.g. ``events.camera_registered``."""
        return f"events.{_snake(cls.__name__)}"

    @staticmethod
    def type_for(name: str) -> type[Event]:
        try:
            return Event.registry[name]
        except KeyError:
            raise KeyError(f"unknown event type {name!r}") from None
