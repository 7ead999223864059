"""Re-hash archived segments against the SHA-256 recorded when they were written.

A segment whose bytes changed, or whose file vanished, is named with its path, camera and time, so
that an investigator knows exactly which evidence can no longer be trusted. The check is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kuzet.domain.archive.model import ArchiveTotals, Segment
from kuzet.services.archive.ports import ArchiveStorage
from kuzet.services.archive.segments import audited
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWorkFactory

PAGE = 1000


@dataclass(frozen=True, slots=True)
class SegmentProblem:
    segment: Segment
    problem: str

    def __str__(self) -> str:
        s = self.segment
        return f"{s.path}: {self.problem} (camera {s.camera_id}, {s.start.isoformat()}..{s.end.isoformat()})"


@dataclass(frozen=True, slots=True)
class ArchiveVerifyReport:
    segments_checked: int
    bytes_checked: int
    problems: tuple[SegmentProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


class ArchiveVerifier:
    def __init__(self, uow_factory: UnitOfWorkFactory, storage: ArchiveStorage) -> None:
        self._uow_factory = uow_factory
        self._storage = storage

    def totals(self, camera_id: str | None = None) -> ArchiveTotals:
        """What a verification will read (for a progress bar)."""
        with self._uow_factory() as uow:
            return uow.segments.totals(camera_id)

    def _segments(self, camera_id: str | None) -> Iterator[Segment]:
        after = 0
        while True:
            with self._uow_factory() as uow:
                page = uow.segments.page(after, PAGE, camera_id)
            if not page:
                return
            yield from page
            after = page[-1].id or after

    def check(self, segment: Segment) -> SegmentProblem | None:
        try:
            with open(self._storage.locate(segment.path), "rb") as f:
                actual = hashlib.file_digest(f, "sha256").hexdigest()
        except FileNotFoundError:
            return SegmentProblem(segment, "vanished (the file is gone)")
        if actual != segment.sha256:
            return SegmentProblem(segment, f"changed (sha256 {actual}, recorded {segment.sha256})")
        return None

    def verify(
        self,
        actor: Actor,
        camera_id: str | None = None,
        progress: Callable[[Segment], None] | None = None,
    ) -> ArchiveVerifyReport:
        checked = size = 0
        problems: list[SegmentProblem] = []
        for segment in self._segments(camera_id):
            if (problem := self.check(segment)) is not None:
                problems.append(problem)
            checked, size = checked + 1, size + segment.size
            if progress is not None:
                progress(segment)
        with self._uow_factory() as uow:
            details = {"segments": str(checked), "problems": str(len(problems))}
            target = f"camera:{camera_id}" if camera_id else "archive"
            uow.audit.append(audited(actor, "verify_archive", target, details))
            uow.commit()
        return ArchiveVerifyReport(checked, size, tuple(problems))
