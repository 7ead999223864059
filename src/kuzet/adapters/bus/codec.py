"""Wire codec for events: ``{"type": name, "data": {...}}`` as UTF-8 JSON.

Events are frozen stdlib dataclasses; pydantic's ``TypeAdapter`` turns them into JSON-safe data and back
into the exact registered class, so UUIDs, tz-aware datetimes, enums, tuples and nested dataclasses
survive the trip without hand-written parsing. The type name (not a module path) is on the wire, so a
consumer finds the class through ``Event.registry`` and a renamed module does not break old messages.
Unknown extra fields are ignored, so an older consumer can read events from a newer producer.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from kuzet.domain.messages import Event

_REQUIRED_FIELDS = ("event_id", "occurred_at")


@cache
def _adapter(type_name: str) -> TypeAdapter[Event]:
    """One adapter per registered event type: building the schema is the costly part, so do it once.

    Keyed by the registered name (one-to-one with the class) because mypy cannot see classes as hashable.
    """
    return TypeAdapter(Event.type_for(type_name))


def encode(event: Event) -> bytes:
    """Serialize ``event`` to JSON bytes tagged with its registered type name."""
    name = event.type_name()
    data = _adapter(name).dump_python(event, mode="json")
    envelope = {"type": name, "data": data}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def decode(payload: bytes) -> Event:
    """Rebuild the event encoded by :func:`encode`.

    Raises ``ValueError`` naming the problem: not JSON, a bad envelope, an unknown type or bad fields.
    """
    name, data = _envelope(payload)
    if name not in Event.registry:
        raise ValueError(f"unknown event type {name!r}")
    missing = [f for f in _REQUIRED_FIELDS if f not in data]
    if missing:
        raise ValueError(f"event {name}: missing field(s) {', '.join(missing)}")
    try:
        return _adapter(name).validate_python(data)
    except ValidationError as exc:
        raise ValueError(f"event {name}: {_describe(exc)}") from exc


def _envelope(payload: bytes) -> tuple[str, dict[str, Any]]:
    try:
        envelope = json.loads(payload)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise ValueError(f"event payload is not valid JSON: {exc}") from exc
    if not isinstance(envelope, dict):
        raise ValueError("event payload must be a JSON object with 'type' and 'data'")
    name, data = envelope.get("type"), envelope.get("data")
    if not isinstance(name, str) or not isinstance(data, dict):
        raise ValueError("event payload needs a string 'type' and an object 'data'")
    return name, data


def _describe(exc: ValidationError) -> str:
    """``field 'camera_id': Field required; field 'kind': Input should be ...`` - short, one line."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "(event)"
        parts.append(f"field {where!r}: {error['msg']}")
    return "; ".join(parts)
