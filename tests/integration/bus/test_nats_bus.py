"""NATS JetStream bus against a real server: delivery, redelivery, dedup, idempotency and restarts.

Each test uses its own stream (see conftest); ``wait_for_count`` polls with a deadline so a broken bus
fails within seconds instead of hanging.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pytest
from nats.js import JetStreamContext
from nats.js.api import ConsumerInfo

from kuzet.adapters.bus.idempotent import InMemoryProcessedEvents, idempotent
from kuzet.adapters.bus.nats import NatsEventBus
from kuzet.domain.messages import Event
from kuzet.errors import BusUnavailableError

needs_nats = pytest.mark.nats


class BusFactory(Protocol):
    """What the ``make_bus`` fixture (conftest) provides: buses on one throwaway stream."""

    stream: str

    def __call__(self, **options: Any) -> NatsEventBus: ...


@dataclass(frozen=True, kw_only=True)
class _BusTestPinged(Event):
    seq: int


@dataclass(frozen=True, kw_only=True)
class _BusTestPonged(Event):
    seq: int


@dataclass(frozen=True, kw_only=True)
class _BusTestIgnored(Event):
    seq: int


class _Recorder:
    """Handler that records what it handled; ``fail_first`` makes the first N calls raise."""

    def __init__(self, fail_first: int = 0, delay: float = 0.0) -> None:
        self.events: list[Event] = []
        self.calls = 0
        self._fail_first = fail_first
        self._delay = delay

    async def __call__(self, event: Event) -> None:
        self.calls += 1
        if self._delay:
            await asyncio.sleep(self._delay)
        if self.calls <= self._fail_first:
            raise RuntimeError(f"handler failure {self.calls}")
        self.events.append(event)

    def seqs(self) -> list[int]:
        return [getattr(e, "seq", -1) for e in self.events]


async def _eventually(condition: Callable[[], bool], within: float = 3.0) -> None:
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {within}s")


async def _consumer_settled(js: JetStreamContext, stream: str, consumer: str) -> ConsumerInfo:
    """Wait until the consumer has nothing pending or awaiting ack (acks are fire-and-forget)."""
    deadline = time.monotonic() + 3
    while True:
        info: ConsumerInfo = await js.consumer_info(stream, consumer)
        if info.num_pending == 0 and info.num_ack_pending == 0:
            return info
        if time.monotonic() > deadline:
            raise AssertionError(f"consumer {consumer} not settled: {info}")
        await asyncio.sleep(0.02)


async def _started(make_bus: BusFactory, **options: Any) -> NatsEventBus:
    bus = make_bus(**options)
    await bus.start()
    return bus


@needs_nats
async def test_published_event_is_delivered_intact(make_bus: BusFactory) -> None:
    bus = await _started(make_bus)
    recorder = _Recorder()
    await bus.subscribe("delivery", [_BusTestPinged], recorder)
    event = _BusTestPinged(seq=1)

    await bus.publish(event)

    await _eventually(lambda: len(recorder.events) == 1)
    assert recorder.events == [event]
    assert type(recorder.events[0]) is _BusTestPinged


@needs_nats
async def test_consumer_gets_only_its_types_in_order(make_bus: BusFactory) -> None:
    bus = await _started(make_bus)
    recorder = _Recorder()
    await bus.subscribe("typed", [_BusTestPinged, _BusTestPonged], recorder)

    for event in (
        _BusTestPinged(seq=1),
        _BusTestIgnored(seq=2),
        _BusTestPonged(seq=3),
        _BusTestPinged(seq=4),
    ):
        await bus.publish(event)

    await _eventually(lambda: len(recorder.events) == 3)
    assert recorder.seqs() == [1, 3, 4]
    assert not any(isinstance(e, _BusTestIgnored) for e in recorder.events)


@needs_nats
async def test_handler_that_raises_gets_the_event_again(
    make_bus: BusFactory, jetstream: JetStreamContext
) -> None:
    bus = await _started(make_bus)
    recorder = _Recorder(fail_first=1)
    await bus.subscribe("flaky", [_BusTestPinged], recorder)
    event = _BusTestPinged(seq=1)

    await bus.publish(event)

    await _eventually(lambda: len(recorder.events) == 1)
    assert recorder.calls == 2
    assert recorder.events == [event]
    info = await _consumer_settled(jetstream, make_bus.stream, "flaky")
    assert info.num_redelivered == 0  # redelivered once, then acked


@needs_nats
async def test_event_failing_every_delivery_is_given_up_after_max_deliver(
    make_bus: BusFactory, jetstream: JetStreamContext, caplog: pytest.LogCaptureFixture
) -> None:
    bus = await _started(make_bus, max_deliver=2)
    calls: list[int] = []

    async def poisoned_by_seq_1(event: Event) -> None:
        assert isinstance(event, _BusTestPinged)
        calls.append(event.seq)
        if event.seq == 1:
            raise RuntimeError("cannot handle this one")

    await bus.subscribe("poisoned", [_BusTestPinged], poisoned_by_seq_1)
    with caplog.at_level(logging.ERROR, logger="kuzet.adapters.bus.nats"):
        await bus.publish(_BusTestPinged(seq=1))
        await bus.publish(_BusTestPinged(seq=2))
        await _eventually(lambda: calls.count(1) == 2 and 2 in calls)
        await _consumer_settled(jetstream, make_bus.stream, "poisoned")

    assert calls.count(1) == 2
    assert any("giving up" in r.getMessage() for r in caplog.records)


@needs_nats
async def test_duplicate_publish_of_an_event_id_is_delivered_once(
    make_bus: BusFactory, jetstream: JetStreamContext
) -> None:
    bus = await _started(make_bus)
    recorder = _Recorder()
    await bus.subscribe("dedup", [_BusTestPinged], recorder)
    event, sentinel = _BusTestPinged(seq=1), _BusTestPinged(seq=2)

    await bus.publish(event)
    await bus.publish(event)
    await bus.publish(sentinel)

    await _eventually(lambda: sentinel in recorder.events)
    assert recorder.events == [event, sentinel]
    stream = await jetstream.stream_info(make_bus.stream)
    assert stream.state.messages == 2


@needs_nats
async def test_idempotent_wrapper_handles_a_redelivered_event_once(make_bus: BusFactory) -> None:
    bus = await _started(make_bus)
    inner = _Recorder()
    once = idempotent("projector", inner, InMemoryProcessedEvents())
    deliveries: list[Event] = []

    async def crashes_before_ack_the_first_time(event: Event) -> None:
        deliveries.append(event)
        await once(event)
        if len(deliveries) == 1:
            raise RuntimeError("process died after handling, before the ack")

    await bus.subscribe("projector", [_BusTestPinged], crashes_before_ack_the_first_time)
    event = _BusTestPinged(seq=1)

    await bus.publish(event)

    await _eventually(lambda: len(deliveries) == 2)
    await asyncio.sleep(0.1)
    assert deliveries == [event, event]
    assert inner.calls == 1
    assert inner.events == [event]


@needs_nats
async def test_consumer_resumes_after_restart_with_exactly_the_missed_events(
    make_bus: BusFactory, jetstream: JetStreamContext
) -> None:
    publisher = await _started(make_bus)
    first = await _started(make_bus)
    before = _Recorder()
    await first.subscribe("resumer", [_BusTestPinged], before)
    for seq in (1, 2):
        await publisher.publish(_BusTestPinged(seq=seq))
    await _eventually(lambda: len(before.events) == 2)
    await _consumer_settled(jetstream, make_bus.stream, "resumer")
    await first.close()

    missed = [_BusTestPinged(seq=seq) for seq in (3, 4, 5)]
    for event in missed:
        await publisher.publish(event)
    second = await _started(make_bus)
    after = _Recorder()
    await second.subscribe("resumer", [_BusTestPinged], after)

    await _eventually(lambda: len(after.events) == 3)
    info = await _consumer_settled(jetstream, make_bus.stream, "resumer")
    assert after.events == missed
    assert before.seqs() == [1, 2]
    assert info.num_redelivered == 0
    assert info.delivered is not None
    assert info.delivered.stream_seq == 5


@needs_nats
async def test_undecodable_message_is_terminated_and_logged_with_its_subject(
    make_bus: BusFactory, jetstream: JetStreamContext, caplog: pytest.LogCaptureFixture
) -> None:
    bus = await _started(make_bus)
    recorder = _Recorder()
    await bus.subscribe("strict", [_BusTestPinged], recorder)
    subject = bus.subject_for(_BusTestPinged)
    good = _BusTestPinged(seq=2)

    with caplog.at_level(logging.ERROR, logger="kuzet.adapters.bus.nats"):
        await jetstream.publish(subject, b"{not json")
        await bus.publish(good)
        await _eventually(lambda: len(recorder.events) == 1)
        info = await _consumer_settled(jetstream, make_bus.stream, "strict")

    assert recorder.events == [good]
    assert info.num_redelivered == 0
    assert any(f"undecodable message on {subject}" in r.getMessage() for r in caplog.records)


@needs_nats
async def test_slow_handler_is_kept_alive_instead_of_redelivered(
    make_bus: BusFactory, jetstream: JetStreamContext
) -> None:
    bus = await _started(make_bus, ack_wait=0.6)
    recorder = _Recorder(delay=1.2)
    await bus.subscribe("slow", [_BusTestPinged], recorder)

    await bus.publish(_BusTestPinged(seq=1))

    await _eventually(lambda: len(recorder.events) == 1)
    info = await _consumer_settled(jetstream, make_bus.stream, "slow")
    assert recorder.calls == 1
    assert info.num_redelivered == 0
    assert info.delivered is not None
    assert info.delivered.consumer_seq == 1


@needs_nats
async def test_same_consumer_cannot_subscribe_twice_on_one_bus(make_bus: BusFactory) -> None:
    bus = await _started(make_bus)
    await bus.subscribe("twice", [_BusTestPinged], _Recorder())

    with pytest.raises(ValueError, match="'twice' is already subscribed"):
        await bus.subscribe("twice", [_BusTestPinged], _Recorder())


async def test_unreachable_server_raises_bus_unavailable_quickly() -> None:
    bus = NatsEventBus("nats://127.0.0.1:1", stream="KUZET_TEST_UNREACHABLE", connect_timeout=5)
    started = time.monotonic()

    with pytest.raises(BusUnavailableError, match=r"nats://127\.0\.0\.1:1"):
        await bus.start()

    assert time.monotonic() - started < 1.0  # failed on the first refusal, no retry loop
    await bus.close()


async def test_publish_before_start_is_a_programming_error() -> None:
    bus = NatsEventBus("nats://127.0.0.1:1")

    with pytest.raises(RuntimeError, match="start"):
        await bus.publish(_BusTestPinged(seq=1))
