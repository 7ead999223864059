"""In-process event bus for the embedded shape (one process, no broker) and for tests.

Each consumer gets its own bounded queue and worker task, so a slow consumer delays only itself; publish
waits only when that consumer's queue is full (backpressure instead of unbounded memory). A handler that
raises is retried a few times with a short delay; an event that keeps failing is logged and dropped, and
counted in :attr:`InMemoryEventBus.dropped`. Nothing survives a restart: use the NATS bus where delivery
must outlive the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from kuzet.domain.messages import Event
from kuzet.errors import BusUnavailableError
from kuzet.services.ports import EventHandler

_log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Consumer:
    name: str
    event_types: frozenset[type[Event]]
    handler: EventHandler
    queue: asyncio.Queue[Event]
    worker: asyncio.Task[None] | None = field(default=None)


class InMemoryEventBus:
    """``EventBus`` backed by asyncio queues; at-least-once within the process, bounded retries."""

    def __init__(self, queue_size: int = 1000, max_attempts: int = 5, retry_delay: float = 0.05) -> None:
        if queue_size < 1 or max_attempts < 1:
            raise ValueError("queue_size and max_attempts must be at least 1")
        self._queue_size = queue_size
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._consumers: dict[str, _Consumer] = {}
        self._enqueued = 0
        self._dropped = 0
        self._closed = False

    @property
    def dropped(self) -> int:
        """How many events were given up on after ``max_attempts`` failed deliveries."""
        return self._dropped

    async def start(self) -> None:
        """Nothing to connect to; present to satisfy ``EventBus``."""

    async def publish(self, event: Event) -> None:
        """Queue ``event`` for every consumer subscribed to its type; waits while a queue is full."""
        if self._closed:
            raise BusUnavailableError("the in-memory event bus is closed")
        for consumer in list(self._consumers.values()):
            if type(event) in consumer.event_types:
                self._enqueued += 1
                await consumer.queue.put(event)

    async def subscribe(
        self, consumer: str, event_types: Sequence[type[Event]], handler: EventHandler
    ) -> None:
        """Start a worker that delivers events of ``event_types`` to ``handler`` in publish order."""
        if consumer in self._consumers:
            raise ValueError(f"consumer {consumer!r} is already subscribed")
        entry = _Consumer(consumer, frozenset(event_types), handler, asyncio.Queue(self._queue_size))
        entry.worker = asyncio.create_task(self._work(entry), name=f"kuzet-bus-{consumer}")
        self._consumers[consumer] = entry

    async def wait_idle(self) -> None:
        """Return once every queued event (including ones published by handlers meanwhile) is handled."""
        while True:
            seen = self._enqueued
            for consumer in list(self._consumers.values()):
                await consumer.queue.join()
            if self._enqueued == seen:
                return

    async def close(self, drain_timeout: float = 5.0) -> None:
        """Let queued events finish (up to ``drain_timeout`` s), then stop the workers and refuse new ones.

        Handlers may still publish follow-up events while the bus drains; those are handled too.
        """
        try:
            await asyncio.wait_for(self.wait_idle(), drain_timeout)
        except TimeoutError:
            _log.warning("in-memory bus closed with events still queued after %.1fs", drain_timeout)
        self._closed = True
        workers = [c.worker for c in self._consumers.values() if c.worker is not None]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._consumers.clear()

    async def _work(self, consumer: _Consumer) -> None:
        while True:
            event = await consumer.queue.get()
            try:
                await self._deliver(consumer, event)
            finally:
                consumer.queue.task_done()

    async def _deliver(self, consumer: _Consumer, event: Event) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                await consumer.handler(event)
            except Exception:
                _log.warning(
                    "%s failed on %s %s (attempt %d/%d)",
                    consumer.name,
                    event.type_name(),
                    event.event_id,
                    attempt,
                    self._max_attempts,
                    exc_info=True,
                )
            else:
                return
            if attempt < self._max_attempts:
                await asyncio.sleep(self._retry_delay)
        self._dropped += 1
        _log.error(
            "%s dropped %s %s after %d failed attempts",
            consumer.name,
            event.type_name(),
            event.event_id,
            self._max_attempts,
        )
