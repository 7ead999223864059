"""The MQTT gateway against the real Mosquitto broker: positions and SOS in, dispatch orders out."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import aiomqtt
import pytest

from kuzet.adapters.mqtt.gateway import MqttGateway, stop
from kuzet.adapters.mqtt.payloads import DispatchPayload, PositionPayload, SosPayload, StatusPayload
from kuzet.adapters.mqtt.topics import Topics
from kuzet.errors import BusUnavailableError, NotFoundError
from tests.conftest import require_server

HOST = os.environ.get("KUZET_TEST_MQTT_HOST", "127.0.0.1")
PORT = int(os.environ.get("KUZET_TEST_MQTT_PORT", "1883"))


class Recorder:
    """Records what arrives; knows only unit-1, like a service with one registered unit."""

    def __init__(self) -> None:
        self.positions: list[tuple[str, PositionPayload]] = []
        self.statuses: list[tuple[str, StatusPayload]] = []
        self.sos: list[tuple[str, SosPayload]] = []
        self.arrived = asyncio.Event()

    async def unit_position(self, unit_id: str, payload: PositionPayload) -> None:
        if unit_id != "unit-1":
            raise NotFoundError(f"unknown unit {unit_id!r}")
        self.positions.append((unit_id, payload))
        self.arrived.set()

    async def unit_status(self, unit_id: str, payload: StatusPayload) -> None:
        self.statuses.append((unit_id, payload))
        self.arrived.set()

    async def sos_pressed(self, device_id: str, payload: SosPayload) -> None:
        self.sos.append((device_id, payload))
        self.arrived.set()


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[MqttGateway, Recorder]]:
    require_server(HOST, PORT, "Mosquitto", "KUZET_TEST_MQTT_HOST")
    recorder = Recorder()
    gw = MqttGateway(HOST, PORT, recorder, Topics(f"kuzet-test-{uuid4().hex[:8]}"))
    task = asyncio.create_task(gw.run())
    await asyncio.wait_for(gw.connected.wait(), 5)
    yield gw, recorder
    await stop(task)


async def send(gw: MqttGateway, topic: str, payload: str) -> None:
    async with aiomqtt.Client(HOST, PORT) as client:
        await client.publish(topic, payload, qos=1)


async def wait_for(gw: MqttGateway, count: int) -> None:
    for _ in range(100):
        if gw.accepted + gw.rejected >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {gw.accepted + gw.rejected} of {count} messages handled")


async def test_positions_status_and_sos_arrive(gateway: tuple[MqttGateway, Recorder]) -> None:
    gw, recorder = gateway
    await send(
        gw,
        gw.topics.unit_position.topic("unit-1"),
        '{"lat": 43.24, "lon": 76.94, "at": "2026-12-03T10:00:00Z"}',
    )
    await send(gw, gw.topics.unit_status.topic("unit-1"), '{"status": "busy"}')
    await send(gw, gw.topics.sos_press.topic("sos-017"), '{"at": "2026-12-03T10:00:05+06:00"}')
    await wait_for(gw, 3)
    assert [(u, p.lat, p.lon) for u, p in recorder.positions] == [("unit-1", 43.24, 76.94)]
    assert [s.status.value for _, s in recorder.statuses] == ["busy"]
    assert [d for d, _ in recorder.sos] == ["sos-017"]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ("not json", "Invalid JSON"),
        (
            '{"lat": 95, "lon": 76.9, "at": "2026-12-03T10:00:00Z"}',
            "lat: Input should be less than or equal to 90",
        ),
        ('{"lat": 43.2, "lon": 76.9, "at": "2026-12-03T10:00:00"}', "at: Input should have timezone info"),
        ('{"lat": 43.2, "lon": 76.9}', "at: Field required"),
    ],
)
async def test_malformed_positions_are_rejected_and_the_gateway_keeps_going(
    gateway: tuple[MqttGateway, Recorder], payload: str, words: str
) -> None:
    gw, recorder = gateway
    await send(gw, gw.topics.unit_position.topic("unit-1"), payload)
    await send(
        gw,
        gw.topics.unit_position.topic("unit-1"),
        '{"lat": 43.2, "lon": 76.9, "at": "2026-12-03T10:00:00Z"}',
    )
    await wait_for(gw, 2)
    assert gw.rejected == 1
    assert words in gw.rejections[0]
    assert gw.topics.unit_position.topic("unit-1") in gw.rejections[0]
    assert len(recorder.positions) == 1


async def test_unknown_unit_is_a_logged_rejection(gateway: tuple[MqttGateway, Recorder]) -> None:
    gw, _ = gateway
    await send(
        gw,
        gw.topics.unit_position.topic("unit-99"),
        '{"lat": 43.2, "lon": 76.9, "at": "2026-12-03T10:00:00Z"}',
    )
    await wait_for(gw, 1)
    assert gw.rejections[-1] == "unknown unit 'unit-99'"


async def test_a_dispatch_order_reaches_the_unit(gateway: tuple[MqttGateway, Recorder]) -> None:
    gw, _ = gateway
    async with aiomqtt.Client(HOST, PORT) as unit:
        await unit.subscribe(gw.topics.unit_dispatch.topic("unit-1"), qos=1)
        order = DispatchPayload(incident_id="inc-1", code="fight", lat=43.24, lon=76.94, eta_s=180)
        await gw.publish_dispatch("unit-1", order)
        message = await asyncio.wait_for(anext(aiter(unit.messages)), 5)
    received = DispatchPayload.model_validate_json(bytes(message.payload))
    assert (received.incident_id, received.eta_s) == ("inc-1", 180)


async def test_publishing_while_disconnected_is_a_clear_error() -> None:
    gw = MqttGateway("127.0.0.1", 1, Recorder())
    with pytest.raises(BusUnavailableError, match=r"127\.0\.0\.1:1 is not connected"):
        await gw.publish_dispatch(
            "unit-1", DispatchPayload(incident_id="i", code="c", lat=None, lon=None, eta_s=None)
        )
