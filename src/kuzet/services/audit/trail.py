"""The audit trail: record entries in their own transaction, and verify the whole chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kuzet.domain.audit.chain import AuditEntry, AuditRecord, ChainProblem, verify_chain
from kuzet.services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ChainReport:
    records_checked: int
    records_expected: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


class AuditTrail:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def record(self, entry: AuditEntry) -> AuditRecord:
        with self._uow_factory() as uow:
            record = uow.audit.append(entry)
            uow.commit()
            return record

    def recent(self, limit: int = 100, actor: str | None = None) -> list[AuditRecord]:
        with self._uow_factory() as uow:
            return uow.audit.recent(limit, actor)

    def verify(self) -> ChainReport:
        checked = 0

        def counted(records: Iterator[AuditRecord]) -> Iterator[AuditRecord]:
            nonlocal checked
            for record in records:
                checked += 1
                yield record

        with self._uow_factory() as uow:
            expected = uow.audit.head_count()
            problems = verify_chain(counted(uow.audit.iterate()), expected)
        return ChainReport(checked, expected, tuple(problems))
