"""The audit trail as a hash chain: each record's hash covers its content and the previous hash.

Editing a record breaks its own hash; deleting one breaks the sequence and the next record's link;
so ``verify_chain`` can name the first record that is not what was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

GENESIS_HASH = "0" * 64


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What to record: who did what to which target, when, why, under which case."""

    actor: str
    action: str
    at: datetime
    target: str = ""
    outcome: AuditOutcome = AuditOutcome.ALLOWED
    reason: str = ""
    case_number: str = ""
    tenant_id: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """A stored entry with its place in the chain."""

    seq: int
    entry: AuditEntry
    prev_hash: str
    hash: str


def canonical_payload(seq: int, entry: AuditEntry, prev_hash: str) -> bytes:
    body = {
        "seq": seq,
        "actor": entry.actor,
        "action": entry.action,
        "at": entry.at.isoformat(),
        "target": entry.target,
        "outcome": entry.outcome.value,
        "reason": entry.reason,
        "case_number": entry.case_number,
        "tenant_id": entry.tenant_id,
        "details": dict(sorted(entry.details.items())),
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(seq: int, entry: AuditEntry, prev_hash: str) -> str:
    return hashlib.sha256(canonical_payload(seq, entry, prev_hash)).hexdigest()


def seal(seq: int, entry: AuditEntry, prev_hash: str) -> AuditRecord:
    """Make the next record of the chain."""
    return AuditRecord(seq=seq, entry=entry, prev_hash=prev_hash, hash=chain_hash(seq, entry, prev_hash))


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.problem}"


def verify_chain(records: Iterable[AuditRecord], expected_count: int | None = None) -> list[ChainProblem]:
    """Check records in sequence order; return every problem found (empty when intact).

    ``expected_count`` is the number of records the chain head says were written; records deleted from
    the end are found only through it.
    """
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = GENESIS_HASH, 1
    for record in records:
        if record.seq != expected_seq:
            missing = (
                f"{expected_seq}" if record.seq == expected_seq + 1 else f"{expected_seq}..{record.seq - 1}"
            )
            problems.append(ChainProblem(expected_seq, f"missing (deleted): records {missing} are gone"))
        elif record.prev_hash != prev_hash:
            problems.append(
                ChainProblem(record.seq - 1, f"was rewritten: record {record.seq} no longer links to it")
            )
        if chain_hash(record.seq, record.entry, record.prev_hash) != record.hash:
            problems.append(ChainProblem(record.seq, "content was edited (hash does not match)"))
        prev_hash, expected_seq = record.hash, record.seq + 1
    if expected_count is not None and expected_seq - 1 < expected_count:
        problems.append(
            ChainProblem(
                expected_seq, f"missing (deleted): records {expected_seq}..{expected_count} are gone"
            )
        )
    return problems
