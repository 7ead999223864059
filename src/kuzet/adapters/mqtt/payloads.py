"""Validated MQTT payloads: malformed input becomes a clear rejection, never an exception upstream."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from kuzet.domain.operations.units import UnitStatus


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PositionPayload(_Payload):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    at: AwareDatetime
    speed_kmh: Annotated[float, Field(ge=0, le=400)] | None = None


class StatusPayload(_Payload):
    status: UnitStatus
    at: AwareDatetime | None = None


class SosPayload(_Payload):
    at: AwareDatetime | None = None


class DispatchPayload(_Payload):
    incident_id: str
    code: str
    lat: float | None
    lon: float | None
    eta_s: float | None
    sent_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class MalformedPayloadError(ValueError):
    pass


P = TypeVar("P", bound=_Payload)


def parse(model: type[P], payload: bytes, topic: str) -> P:
    """Parse JSON ``payload`` into ``model``; the error names the topic and every bad field."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}" for e in exc.errors())
        raise MalformedPayloadError(f"{topic}: {problems}") from None
