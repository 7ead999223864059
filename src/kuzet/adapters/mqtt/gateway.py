"""The MQTT gateway: one connection to the broker, inbound messages to the operations services.

A malformed payload, an unknown unit or a stale fix is logged and counted as a rejection; the gateway
keeps running. A lost broker connection is retried with capped backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

import aiomqtt

from kuzet.adapters.mqtt.payloads import (
    DispatchPayload,
    MalformedPayloadError,
    PositionPayload,
    SosPayload,
    StatusPayload,
    parse,
)
from kuzet.adapters.mqtt.topics import Topics
from kuzet.errors import BusUnavailableError, KuzetError

log = logging.getLogger(__name__)


class OpsInbound(Protocol):
    """What the operations services do with messages from the field."""

    async def unit_position(self, unit_id: str, payload: PositionPayload) -> None: ...
    async def unit_status(self, unit_id: str, payload: StatusPayload) -> None: ...
    async def sos_pressed(self, device_id: str, payload: SosPayload) -> None: ...


class MqttGateway:
    def __init__(
        self,
        host: str,
        port: int,
        inbound: OpsInbound,
        topics: Topics | None = None,
        max_backoff_s: float = 30.0,
    ) -> None:
        self._host, self._port = host, port
        self.topics = topics or Topics()
        self._inbound = inbound
        self._max_backoff = max_backoff_s
        self._client: aiomqtt.Client | None = None
        self.connected = asyncio.Event()
        self.accepted = 0
        self.rejections: deque[str] = deque(maxlen=100)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    async def run(self) -> None:
        """Serve until cancelled, reconnecting when the broker goes away."""
        backoff = 0.5
        while True:
            try:
                async with aiomqtt.Client(self._host, self._port, timeout=5) as client:
                    self._client = client
                    for template in self.topics.inbound:
                        await client.subscribe(template.subscription, qos=1)
                    self.connected.set()
                    backoff = 0.5
                    async for message in client.messages:
                        await self._dispatch(str(message.topic), _bytes(message.payload))
            except aiomqtt.MqttError as exc:
                log.warning(
                    "MQTT broker %s:%s unavailable (%s); retrying in %.1f s",
                    self._host,
                    self._port,
                    exc,
                    backoff,
                )
            finally:
                self._client = None
                self.connected.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)

    async def _dispatch(self, topic: str, payload: bytes) -> None:
        try:
            if (unit_id := self.topics.unit_position.device_id(topic)) is not None:
                await self._inbound.unit_position(unit_id, parse(PositionPayload, payload, topic))
            elif (unit_id := self.topics.unit_status.device_id(topic)) is not None:
                await self._inbound.unit_status(unit_id, parse(StatusPayload, payload or b"{}", topic))
            elif (device_id := self.topics.sos_press.device_id(topic)) is not None:
                await self._inbound.sos_pressed(device_id, parse(SosPayload, payload or b"{}", topic))
            else:
                raise MalformedPayloadError(f"{topic}: not a Kuzet topic")
            self.accepted += 1
        except (MalformedPayloadError, KuzetError, ValueError) as exc:
            self.rejections.append(str(exc))
            log.warning("rejected MQTT message: %s", exc)

    async def publish_dispatch(self, unit_id: str, order: DispatchPayload) -> None:
        if self._client is None:
            raise BusUnavailableError(f"MQTT broker {self._host}:{self._port} is not connected")
        await self._client.publish(self.topics.unit_dispatch.topic(unit_id), order.model_dump_json(), qos=1)


def _bytes(payload: object) -> bytes:
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    return b"" if payload is None else str(payload).encode()


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
