from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kuzet.domain.audit.chain import GENESIS_HASH, AuditEntry, AuditRecord, seal, verify_chain

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def make_chain(n: int) -> list[AuditRecord]:
    records, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        entry = AuditEntry(
            actor=f"user{i % 3}",
            action="view_cameras",
            at=T0 + timedelta(seconds=i),
            target=f"camera:street-{i:04d}",
            reason="patrol",
            case_number=f"C-{i}",
        )
        record = seal(i, entry, prev)
        records.append(record)
        prev = record.hash
    return records


def test_intact_chain_has_no_problems() -> None:
    assert verify_chain(make_chain(10), expected_count=10) == []


def test_edited_record_is_named() -> None:
    chain = make_chain(10)
    chain[4] = replace(chain[4], entry=replace(chain[4].entry, reason="nothing to see"))
    problems = verify_chain(chain, 10)
    assert [(p.seq, "edited" in p.problem) for p in problems] == [(5, True)]


def test_rewritten_record_with_recomputed_hash_is_caught_at_the_next_link() -> None:
    chain = make_chain(10)
    forged = seal(5, replace(chain[4].entry, actor="someone-else"), chain[4].prev_hash)
    chain[4] = forged
    problems = verify_chain(chain, 10)
    assert len(problems) == 1
    assert problems[0].seq == 5
    assert "rewritten" in problems[0].problem


def test_deleted_record_in_the_middle_is_named() -> None:
    chain = make_chain(10)
    del chain[6]
    problems = verify_chain(chain, 10)
    assert problems[0].seq == 7
    assert "deleted" in problems[0].problem


def test_deleted_records_at_the_end_are_found_through_the_head_count() -> None:
    problems = verify_chain(make_chain(8), expected_count=10)
    assert len(problems) == 1
    assert problems[0].seq == 9
    assert "9..10" in problems[0].problem
