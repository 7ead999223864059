"""GPS and SOS over the real Mosquitto broker into the real services and store."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import aiomqtt
import pytest
from sqlalchemy import text

from kuzet.adapters.mqtt.gateway import MqttGateway, stop
from kuzet.adapters.mqtt.inbound import FieldInbound
from kuzet.adapters.mqtt.topics import Topics
from kuzet.bootstrap import Kuzet
from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.cameras.model import District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.operations.field import SosDevice
from kuzet.domain.operations.units import PatrolUnit, UnitKind, UnitStatus
from kuzet.services.context import Actor
from tests.conftest import require_server

HOST = os.environ.get("KUZET_TEST_MQTT_HOST", "127.0.0.1")
PORT = int(os.environ.get("KUZET_TEST_MQTT_PORT", "1883"))
START = GeoPoint(43.2400, 76.9450)


@pytest.fixture
async def field(kuzet: Kuzet) -> AsyncIterator[MqttGateway]:
    require_server(HOST, PORT, "Mosquitto", "KUZET_TEST_MQTT_HOST")
    kuzet.messagebus.handle(
        ImportSite(
            districts=(District("almaly", "Almaly", START),),
            units=(
                PatrolUnit("unit-1", "ALM-P01", UnitKind.PATROL_CAR, "almaly", UnitStatus.AVAILABLE, START),
            ),
        ),
        Actor("test"),
    )
    with kuzet.uow() as uow:
        uow.sos_devices.add(SosDevice("sos-7", GeoPoint(43.2410, 76.9460), "Abay Ave 7", "almaly"))
        uow.commit()
    gateway = MqttGateway(HOST, PORT, FieldInbound(kuzet.messagebus), Topics(f"kuzet-it-{uuid4().hex[:8]}"))
    task = asyncio.create_task(gateway.run())
    await asyncio.wait_for(gateway.connected.wait(), 5)
    yield gateway
    await stop(task)


async def publish(gateway: MqttGateway, *messages: tuple[str, str]) -> None:
    async with aiomqtt.Client(HOST, PORT) as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=1)
    for _ in range(200):
        if gateway.accepted + gateway.rejected >= len(messages):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the gateway did not handle every message")


async def test_gps_fixes_move_the_unit_and_bad_ones_change_nothing(kuzet: Kuzet, field: MqttGateway) -> None:
    topic = field.topics.unit_position.topic
    await publish(
        field,
        (topic("unit-1"), '{"lat": 43.2450, "lon": 76.9500, "at": "2026-12-03T10:00:10Z"}'),
        (topic("unit-1"), '{"lat": 43.2460, "lon": 76.9510, "at": "2026-12-03T10:00:05Z"}'),  # older: stale
        (topic("unit-1"), '{"lat": 10.0, "lon": 10.0, "at": "2026-12-03T10:00:20Z"}'),  # off the map
        (topic("unit-404"), '{"lat": 43.2450, "lon": 76.9500, "at": "2026-12-03T10:00:30Z"}'),
        (topic("unit-1"), '{"lat": "north"}'),
    )
    assert field.accepted == 1
    reasons = "\n".join(field.rejections)
    for words in ("is not newer than", "outside the map", "unknown unit 'unit-404'", "lat: Input should be"):
        assert words in reasons
    with kuzet.uow() as uow:
        unit = uow.units.get("unit-1")
    assert unit is not None
    assert unit.position == GeoPoint(43.2450, 76.9500)


async def test_an_sos_press_opens_a_top_priority_incident(kuzet: Kuzet, field: MqttGateway) -> None:
    await publish(
        field,
        (field.topics.sos_press.topic("sos-7"), '{"at": "2026-12-03T10:00:00Z"}'),
        (field.topics.sos_press.topic("sos-999"), "{}"),
    )
    assert field.rejections[-1] == "SOS press from unregistered device 'sos-999'"
    with kuzet.engine.connect() as conn:
        rows = conn.execute(text("SELECT code, priority, summary FROM incidents")).all()
    assert [(r.code, r.priority) for r in rows] == [("sos_button", 1)]
    assert "Abay Ave 7" in rows[0].summary
