"""The audit chain in the store: appends serialised by locking the chain head row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuzet.adapters.store.audit.tables import AuditHeadRow, AuditRecordRow
from kuzet.adapters.store.values import aware
from kuzet.domain.audit.chain import GENESIS_HASH, AuditEntry, AuditOutcome, AuditRecord, seal


def _record(row: AuditRecordRow) -> AuditRecord:
    at = aware(row.at)
    entry = AuditEntry(
        actor=row.actor,
        action=row.action,
        at=at,
        target=row.target,
        outcome=AuditOutcome(row.outcome),
        reason=row.reason,
        case_number=row.case_number,
        tenant_id=row.tenant_id,
        details=dict(row.details),
    )
    return AuditRecord(seq=row.seq, entry=entry, prev_hash=row.prev_hash, hash=row.hash)


class SqlAuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _locked_head(self) -> AuditHeadRow:
        head = self._session.scalars(
            select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
        ).first()
        if head is None:
            head = AuditHeadRow(id=1, seq=0, hash=GENESIS_HASH)
            self._session.add(head)
            self._session.flush()
        return head

    def append(self, entry: AuditEntry) -> AuditRecord:
        # Microseconds only: both databases store them exactly, so the hash re-computes the same.
        entry = _normalise_time(entry)
        head = self._locked_head()
        record = seal(head.seq + 1, entry, head.hash)
        self._session.add(
            AuditRecordRow(
                seq=record.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                outcome=entry.outcome.value,
                reason=entry.reason,
                case_number=entry.case_number,
                tenant_id=entry.tenant_id,
                details=dict(entry.details),
                prev_hash=record.prev_hash,
                hash=record.hash,
            )
        )
        head.seq, head.hash = record.seq, record.hash
        self._session.flush()
        return record

    def iterate(self) -> Iterator[AuditRecord]:
        query = select(AuditRecordRow).order_by(AuditRecordRow.seq).execution_options(yield_per=1000)
        for row in self._session.scalars(query):
            yield _record(row)

    def head_count(self) -> int:
        head = self._session.get(AuditHeadRow, 1)
        return 0 if head is None else head.seq

    def recent(self, limit: int, actor: str | None = None) -> list[AuditRecord]:
        query = select(AuditRecordRow).order_by(AuditRecordRow.seq.desc()).limit(limit)
        if actor is not None:
            query = query.where(AuditRecordRow.actor == actor)
        return [_record(r) for r in self._session.scalars(query)]


def _normalise_time(entry: AuditEntry) -> AuditEntry:
    return replace(entry, at=entry.at.astimezone(UTC))
