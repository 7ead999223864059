"""The MQTT topic layout, in one place. Payloads are JSON; times are ISO 8601 with a zone.

- ``kuzet/units/{unit_id}/position`` (unit → center):
  ``{"lat": 43.24, "lon": 76.94, "at": "2026-12-03T10:00:00Z", "speed_kmh": 32}``
- ``kuzet/units/{unit_id}/status`` (unit → center): ``{"status": "available", "at": "..."}``
  (available, busy or off_duty)
- ``kuzet/units/{unit_id}/dispatch`` (center → unit):
  ``{"incident_id": "...", "code": "fight", "lat": 43.24, "lon": 76.94, "eta_s": 240}``
- ``kuzet/sos/{device_id}/press`` (SOS button → center): ``{"at": "2026-12-03T10:00:00Z"}``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

ROOT = "kuzet"
_ID = r"[A-Za-z0-9_.-]{1,64}"


class Channel(StrEnum):
    UNIT_POSITION = "position"
    UNIT_STATUS = "status"
    UNIT_DISPATCH = "dispatch"
    SOS_PRESS = "press"


@dataclass(frozen=True, slots=True)
class TopicTemplate:
    """One topic shape with one id in it: builds topics and recognises them."""

    channel: Channel
    collection: str
    root: str = ROOT

    @property
    def subscription(self) -> str:
        return f"{self.root}/{self.collection}/+/{self.channel.value}"

    def topic(self, device_id: str) -> str:
        if not re.fullmatch(_ID, device_id):
            raise ValueError(f"{device_id!r} cannot be part of an MQTT topic")
        return f"{self.root}/{self.collection}/{device_id}/{self.channel.value}"

    def device_id(self, topic: str) -> str | None:
        """The id in ``topic`` when it has this shape, else None."""
        pattern = rf"{re.escape(self.root)}/{self.collection}/({_ID})/{self.channel.value}"
        match = re.fullmatch(pattern, topic)
        return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class Topics:
    """All topics under one root (``kuzet`` by default; tests use their own roots)."""

    root: str = ROOT

    @property
    def unit_position(self) -> TopicTemplate:
        return TopicTemplate(Channel.UNIT_POSITION, "units", self.root)

    @property
    def unit_status(self) -> TopicTemplate:
        return TopicTemplate(Channel.UNIT_STATUS, "units", self.root)

    @property
    def unit_dispatch(self) -> TopicTemplate:
        return TopicTemplate(Channel.UNIT_DISPATCH, "units", self.root)

    @property
    def sos_press(self) -> TopicTemplate:
        return TopicTemplate(Channel.SOS_PRESS, "sos", self.root)

    @property
    def inbound(self) -> tuple[TopicTemplate, ...]:
        return (self.unit_position, self.unit_status, self.sos_press)
