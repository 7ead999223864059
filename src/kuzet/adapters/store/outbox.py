"""Outbox relay: publishes committed events to the bus, at least once, in commit order."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kuzet.adapters.bus import codec
from kuzet.adapters.store.tables import OutboxRow
from kuzet.services.ports import EventBus


class OutboxRelay:
    def __init__(self, session_factory: sessionmaker[Session], bus: EventBus, batch: int = 500) -> None:
        self._session_factory = session_factory
        self._bus = bus
        self._batch = batch

    async def publish_pending(self) -> int:
        """Publish every unpublished event; return how many. A crash mid-way republishes (dedup by id)."""
        total = 0
        while True:
            with self._session_factory() as session:
                rows = session.scalars(
                    select(OutboxRow)
                    .where(OutboxRow.published_at.is_(None))
                    .order_by(OutboxRow.id)
                    .limit(self._batch)
                ).all()
                pending = [(row.event_id, row.payload) for row in rows]
            if not pending:
                return total
            published: list[str] = []
            for event_id, payload in pending:
                await self._bus.publish(codec.decode(payload.encode()))
                published.append(event_id)
            with self._session_factory() as session, session.begin():
                now = datetime.now(UTC)
                for row in session.scalars(select(OutboxRow).where(OutboxRow.event_id.in_(published))):
                    row.published_at = now
            total += len(published)
