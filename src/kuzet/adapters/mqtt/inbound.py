"""Messages from the field (MQTT) turned into commands; the blocking store work runs off the event loop."""

from __future__ import annotations

import asyncio

from kuzet.adapters.mqtt.payloads import PositionPayload, SosPayload, StatusPayload
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, utc_now
from kuzet.domain.operations.messages import PressSosButton, ReportUnitPosition, SetUnitStatus
from kuzet.services.context import Actor
from kuzet.services.messagebus import MessageBus


class FieldInbound:
    """Implements the MQTT gateway's ``OpsInbound``: each message becomes one command."""

    def __init__(self, messagebus: MessageBus) -> None:
        self._messagebus = messagebus

    async def _run(self, command: Command, device: str) -> None:
        actor = Actor(name=f"device:{device}"[:64], source="mqtt")
        await asyncio.to_thread(self._messagebus.handle, command, actor)

    async def unit_position(self, unit_id: str, payload: PositionPayload) -> None:
        position = GeoPoint(payload.lat, payload.lon)
        await self._run(ReportUnitPosition(unit_id=unit_id, position=position, at=payload.at), unit_id)

    async def unit_status(self, unit_id: str, payload: StatusPayload) -> None:
        await self._run(
            SetUnitStatus(by=f"device:{unit_id}", unit_id=unit_id, status=payload.status), unit_id
        )

    async def sos_pressed(self, device_id: str, payload: SosPayload) -> None:
        await self._run(PressSosButton(device_id=device_id, at=payload.at or utc_now()), device_id)
