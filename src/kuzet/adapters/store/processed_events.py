"""Which events each consumer has handled, for idempotent at-least-once delivery."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.orm import Session

from kuzet.adapters.store.tables import ProcessedEventRow


class SqlProcessedEvents:
    """Processed event ids per consumer, stored in the same database as the consumer's effects."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def already_processed(self, consumer: str, event_id: UUID) -> bool:
        return self._session.get(ProcessedEventRow, (consumer, str(event_id))) is not None

    def mark_processed(self, consumer: str, event_id: UUID) -> None:
        self._session.add(
            ProcessedEventRow(consumer=consumer, event_id=str(event_id), processed_at=datetime.now(UTC))
        )
        self._session.flush()
