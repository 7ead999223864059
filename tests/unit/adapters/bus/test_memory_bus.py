"""In-memory bus: fan-out by type, per-consumer isolation and backpressure, bounded retries, draining close.

Also covers the idempotent wrapper, which both buses rely on for at-least-once delivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from kuzet.adapters.bus.idempotent import InMemoryProcessedEvents, idempotent
from kuzet.adapters.bus.memory import InMemoryEventBus
from kuzet.domain.messages import Event
from kuzet.errors import BusUnavailableError


@dataclass(frozen=True, kw_only=True)
class _MemBusTestPinged(Event):
    seq: int


@dataclass(frozen=True, kw_only=True)
class _MemBusTestPonged(Event):
    seq: int


class _Recorder:
    """A handler that records events; optionally fails the first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.events: list[Event] = []
        self.calls = 0
        self._failures = failures

    async def __call__(self, event: Event) -> None:
        self.calls += 1
        if self.calls <= self._failures:
            raise RuntimeError(f"boom {self.calls}")
        self.events.append(event)


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition not met")


@pytest.fixture
async def bus() -> AsyncIterator[InMemoryEventBus]:
    bus = InMemoryEventBus(queue_size=10, max_attempts=3, retry_delay=0.001)
    await bus.start()
    yield bus
    await bus.close(drain_timeout=1)


async def test_publish_delivers_to_each_consumer_of_the_type_only(bus: InMemoryEventBus) -> None:
    pings, both, pongs = _Recorder(), _Recorder(), _Recorder()
    await bus.subscribe("pings", [_MemBusTestPinged], pings)
    await bus.subscribe("both", [_MemBusTestPinged, _MemBusTestPonged], both)
    await bus.subscribe("pongs", [_MemBusTestPonged], pongs)
    ping, pong = _MemBusTestPinged(seq=1), _MemBusTestPonged(seq=2)

    await bus.publish(ping)
    await bus.publish(pong)
    await asyncio.wait_for(bus.wait_idle(), 1)

    assert pings.events == [ping]
    assert both.events == [ping, pong]
    assert pongs.events == [pong]


async def test_events_arrive_in_publish_order(bus: InMemoryEventBus) -> None:
    recorder = _Recorder()
    await bus.subscribe("ordered", [_MemBusTestPinged], recorder)
    events = [_MemBusTestPinged(seq=i) for i in range(8)]

    for event in events:
        await bus.publish(event)
    await asyncio.wait_for(bus.wait_idle(), 1)

    assert recorder.events == events


async def test_slow_consumer_does_not_hold_up_others(bus: InMemoryEventBus) -> None:
    release = asyncio.Event()
    fast = _Recorder()

    async def slow(event: Event) -> None:
        await release.wait()

    await bus.subscribe("slow", [_MemBusTestPinged], slow)
    await bus.subscribe("fast", [_MemBusTestPinged], fast)

    await asyncio.wait_for(bus.publish(_MemBusTestPinged(seq=1)), 1)
    await asyncio.wait_for(bus.publish(_MemBusTestPinged(seq=2)), 1)
    await _until(lambda: len(fast.events) == 2)

    assert [e.seq for e in fast.events if isinstance(e, _MemBusTestPinged)] == [1, 2]
    release.set()


async def test_full_consumer_queue_applies_backpressure_to_publish() -> None:
    bus = InMemoryEventBus(queue_size=1)
    release = asyncio.Event()

    async def blocked(event: Event) -> None:
        await release.wait()

    await bus.subscribe("blocked", [_MemBusTestPinged], blocked)
    await bus.publish(_MemBusTestPinged(seq=1))  # taken by the worker, which blocks
    await asyncio.sleep(0)
    await bus.publish(_MemBusTestPinged(seq=2))  # fills the queue

    third = asyncio.create_task(bus.publish(_MemBusTestPinged(seq=3)))
    await asyncio.sleep(0.05)
    assert not third.done()

    release.set()
    await asyncio.wait_for(third, 1)
    await bus.close(drain_timeout=1)


async def test_failing_handler_gets_the_event_again(bus: InMemoryEventBus) -> None:
    recorder = _Recorder(failures=2)
    await bus.subscribe("flaky", [_MemBusTestPinged], recorder)
    event = _MemBusTestPinged(seq=1)

    await bus.publish(event)
    await asyncio.wait_for(bus.wait_idle(), 1)

    assert recorder.calls == 3
    assert recorder.events == [event]
    assert bus.dropped == 0


async def test_event_is_dropped_and_counted_after_max_attempts(
    bus: InMemoryEventBus, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = _Recorder(failures=100)
    await bus.subscribe("broken", [_MemBusTestPinged], recorder)
    after = _Recorder()
    await bus.subscribe("healthy", [_MemBusTestPinged], after)

    with caplog.at_level(logging.ERROR, logger="kuzet.adapters.bus.memory"):
        await bus.publish(_MemBusTestPinged(seq=1))
        await asyncio.wait_for(bus.wait_idle(), 1)

    assert recorder.calls == 3
    assert bus.dropped == 1
    assert any("broken dropped _MemBusTestPinged" in r.getMessage() for r in caplog.records)
    # the worker survives: the next event is still delivered
    await bus.publish(_MemBusTestPinged(seq=2))
    await asyncio.wait_for(bus.wait_idle(), 1)
    assert recorder.calls == 6
    assert len(after.events) == 2


async def test_wait_idle_includes_events_published_by_handlers(bus: InMemoryEventBus) -> None:
    pongs = _Recorder()

    async def reply(event: Event) -> None:
        assert isinstance(event, _MemBusTestPinged)
        await asyncio.sleep(0.01)
        await bus.publish(_MemBusTestPonged(seq=event.seq))

    await bus.subscribe("replier", [_MemBusTestPinged], reply)
    await bus.subscribe("pongs", [_MemBusTestPonged], pongs)

    await bus.publish(_MemBusTestPinged(seq=7))
    await asyncio.wait_for(bus.wait_idle(), 1)

    assert [e.seq for e in pongs.events if isinstance(e, _MemBusTestPonged)] == [7]


async def test_close_drains_queued_events_then_refuses_new_ones() -> None:
    bus = InMemoryEventBus()
    handled: list[int] = []

    async def slowish(event: Event) -> None:
        assert isinstance(event, _MemBusTestPinged)
        await asyncio.sleep(0.005)
        handled.append(event.seq)

    await bus.subscribe("slowish", [_MemBusTestPinged], slowish)
    for seq in range(5):
        await bus.publish(_MemBusTestPinged(seq=seq))

    await bus.close(drain_timeout=1)

    assert handled == [0, 1, 2, 3, 4]
    with pytest.raises(BusUnavailableError):
        await bus.publish(_MemBusTestPinged(seq=99))


async def test_close_gives_up_on_a_stuck_handler_after_the_drain_timeout() -> None:
    bus = InMemoryEventBus()
    cancelled = asyncio.Event()

    async def stuck(event: Event) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    await bus.subscribe("stuck", [_MemBusTestPinged], stuck)
    await bus.publish(_MemBusTestPinged(seq=1))

    await asyncio.wait_for(bus.close(drain_timeout=0.05), 1)

    assert cancelled.is_set()


async def test_same_consumer_cannot_subscribe_twice(bus: InMemoryEventBus) -> None:
    await bus.subscribe("once", [_MemBusTestPinged], _Recorder())

    with pytest.raises(ValueError, match="'once' is already subscribed"):
        await bus.subscribe("once", [_MemBusTestPonged], _Recorder())


async def test_idempotent_wrapper_handles_a_redelivered_event_once(bus: InMemoryEventBus) -> None:
    recorder = _Recorder()
    processed = InMemoryProcessedEvents()
    await bus.subscribe("audit", [_MemBusTestPinged], idempotent("audit", recorder, processed))
    event = _MemBusTestPinged(seq=1)

    await bus.publish(event)
    await bus.publish(event)  # redelivery of the same event id
    await asyncio.wait_for(bus.wait_idle(), 1)

    assert recorder.events == [event]
    assert processed.already_processed("audit", event.event_id)


async def test_idempotent_wrapper_marks_only_after_success() -> None:
    recorder = _Recorder(failures=1)
    processed = InMemoryProcessedEvents()
    handler = idempotent("c", recorder, processed)
    event = _MemBusTestPinged(seq=1)

    with pytest.raises(RuntimeError):
        await handler(event)
    assert not processed.already_processed("c", event.event_id)

    await handler(event)
    await handler(event)
    assert recorder.calls == 2
    assert recorder.events == [event]


async def test_processed_events_are_tracked_per_consumer() -> None:
    processed = InMemoryProcessedEvents()
    event = _MemBusTestPinged(seq=1)
    first, second = _Recorder(), _Recorder()

    await idempotent("first", first, processed)(event)
    await idempotent("second", second, processed)(event)

    assert first.events == [event]
    assert second.events == [event]
