"""Background work of a serving process: the live feed, SLA escalation, maintenance tickets for long
camera faults, camera health changes from the workers into the store, and the MQTT link to the field."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from urllib.parse import urlsplit

from kuzet.adapters.mqtt.gateway import MqttGateway
from kuzet.adapters.mqtt.inbound import FieldInbound
from kuzet.adapters.mqtt.payloads import DispatchPayload
from kuzet.bootstrap import Kuzet
from kuzet.domain.fleet.health import CameraHealthChanged
from kuzet.domain.fleet.messages import OpenOverdueMaintenanceTickets, RecordCameraHealth
from kuzet.domain.messages import Command, Event, utc_now
from kuzet.domain.operations.messages import EscalateOverdueAlerts, UnitsDispatched
from kuzet.errors import ConfigError, NotFoundError
from kuzet.services.context import Actor
from kuzet.services.operations.live_feed import FEED_EVENTS

log = logging.getLogger(__name__)
SYSTEM = Actor("system:operations")


def parse_mqtt_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "mqtt" or not parts.hostname:
        raise ConfigError(f"KUZET_MQTT_URL: {url!r} must look like mqtt://host:1883")
    return parts.hostname, parts.port or 1883


class OperationsRuntime:
    def __init__(self, kuzet: Kuzet, escalate_every_s: float = 5.0, archive_every_s: float = 300.0) -> None:
        self._kuzet = kuzet
        self._escalate_every = escalate_every_s
        self._archive_every = archive_every_s
        self._tasks: list[asyncio.Task[None]] = []
        self.gateway: MqttGateway | None = None

    async def start(self) -> None:
        kuzet = self._kuzet
        instance = f"{socket.gethostname()}-{os.getpid()}"
        await kuzet.bus.subscribe(f"live-feed-{instance}", FEED_EVENTS, kuzet.operations.live_feed.publish)
        self._tasks.append(asyncio.create_task(self._escalate_forever()))
        self._tasks.append(asyncio.create_task(self._keep_archive_forever()))
        # One durable consumer for all API processes: each change is stored once (redeliveries are ignored).
        await kuzet.bus.subscribe("camera-health-recorder", [CameraHealthChanged], self._record_health)
        if kuzet.settings.mqtt_url:
            host, port = parse_mqtt_url(kuzet.settings.mqtt_url)
            self.gateway = MqttGateway(host, port, FieldInbound(kuzet.messagebus))
            self._tasks.append(asyncio.create_task(self.gateway.run()))
            await kuzet.bus.subscribe("mqtt-dispatch-orders", [UnitsDispatched], self._notify_units)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _keep_archive_forever(self) -> None:
        """Retention sweep and disk-pressure eviction (held evidence is never touched) every few minutes."""
        retention = self._kuzet.archive.retention
        while True:
            try:
                await asyncio.to_thread(retention.sweep)
                await asyncio.to_thread(retention.relieve_pressure)
            except Exception:  # the archive keeper must survive a full disk or a database hiccup
                log.exception("archive retention failed; retrying")
            await asyncio.sleep(self._archive_every)

    async def _escalate_forever(self) -> None:
        """Each round: escalate alerts past their SLA, open maintenance tickets for faults past theirs."""
        while True:
            now = utc_now()
            for command in (EscalateOverdueAlerts(now=now), OpenOverdueMaintenanceTickets(now=now)):
                await self._periodic(command)
            await asyncio.sleep(self._escalate_every)

    async def _periodic(self, command: Command) -> None:
        try:
            await asyncio.to_thread(self._kuzet.messagebus.handle, command, SYSTEM)
        except Exception:  # periodic work must keep running through a database hiccup
            log.exception("%s failed; retrying", type(command).__name__)

    async def _record_health(self, event: Event) -> None:
        if not isinstance(event, CameraHealthChanged):
            return
        try:
            await asyncio.to_thread(self._kuzet.messagebus.handle, RecordCameraHealth.of(event), SYSTEM)
        except NotFoundError:  # a camera removed from the register: retrying would never succeed
            log.warning("health change for unknown camera %s dropped", event.camera_id)

    async def _notify_units(self, event: Event) -> None:
        if not isinstance(event, UnitsDispatched) or self.gateway is None:
            return
        for unit_id, eta in zip(event.unit_ids, event.eta_s, strict=True):
            order = DispatchPayload(
                incident_id=event.incident_id,
                code=event.code,
                lat=event.lat,
                lon=event.lon,
                eta_s=eta if eta >= 0 else None,
            )
            await self.gateway.publish_dispatch(unit_id, order)
