"""Idempotent handling on top of at-least-once delivery.

Both buses may deliver an event more than once (a handler raised, an ack was lost, a process restarted
before acking). Wrapping a handler with :func:`idempotent` makes the repeat harmless: the event id is
recorded per consumer only after the handler succeeded, and a recorded id is skipped. Two deliveries of
the same event that run *concurrently* can still both reach the handler; the buses deliver one event at
a time per consumer, so that only happens across processes, where the store-backed ``ProcessedEvents``
(checked inside the handler's own transaction) is the real guard.
"""

from __future__ import annotations

import logging
from uuid import UUID

from kuzet.domain.messages import Event
from kuzet.services.ports import EventHandler, ProcessedEvents

_log = logging.getLogger(__name__)


class InMemoryProcessedEvents:
    """``ProcessedEvents`` kept in a set: for the embedded shape and tests (forgotten on restart)."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, UUID]] = set()

    def already_processed(self, consumer: str, event_id: UUID) -> bool:
        return (consumer, event_id) in self._seen

    def mark_processed(self, consumer: str, event_id: UUID) -> None:
        self._seen.add((consumer, event_id))


def idempotent(consumer: str, handler: EventHandler, processed: ProcessedEvents) -> EventHandler:
    """Wrap ``handler`` so that each event id is handled at most once (successfully) for ``consumer``.

    A handler that raises leaves the id unmarked, so the bus's redelivery gets another try.
    """

    async def handle_once(event: Event) -> None:
        if processed.already_processed(consumer, event.event_id):
            _log.debug("%s: skipping already processed %s %s", consumer, event.type_name(), event.event_id)
            return
        await handler(event)
        processed.mark_processed(consumer, event.event_id)

    return handle_once
