"""Ports of the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from kuzet.domain.audit.chain import AuditEntry, AuditRecord


class AuditRepository(Protocol):
    def append(self, entry: AuditEntry) -> AuditRecord: ...
    def iterate(self) -> Iterator[AuditRecord]: ...
    def head_count(self) -> int: ...
    def recent(self, limit: int, actor: str | None = None) -> list[AuditRecord]: ...
