"""Keep the archive inside its retention and its disk: the sweeper and disk-pressure eviction.

Both delete only segments that no active legal hold covers (the query itself excludes them), so held
evidence survives expiry and a full disk alike (governance 5). Each batch's index rows and its audit
record commit in one transaction before the files go: a crash in between leaves a stray file, never
an index entry that points at nothing. The sweeper also deletes the analytics snapshots (JPEG) of
days past their camera's retention, unless a hold covers the day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kuzet.domain.archive.events import ArchiveDiskPressure, ArchiveSegmentsExpired
from kuzet.domain.archive.model import RetentionRules, Segment, TimeRange
from kuzet.domain.cameras.model import CameraKind
from kuzet.domain.messages import utc_now
from kuzet.services.archive.ports import ArchiveStorage
from kuzet.services.archive.segments import EVERYTHING, audited
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWorkFactory

SWEEPER = Actor("system:archive-sweeper", reason="retention period over", source="system")
EVICTOR = Actor("system:archive-eviction", reason="archive disk pressure", source="system")
BATCH = 500


@dataclass(frozen=True, slots=True)
class SweepReport:
    deleted: int
    bytes: int
    kept_by_hold: int
    files_missing: int
    snapshots_deleted: int = 0  # analytics snapshots (JPEG) of days past their camera's retention


@dataclass(frozen=True, slots=True)
class PressureReport:
    """What eviction did; ``relieved`` is False when held video alone is more than the space allows."""

    free_bytes: int
    used_bytes: int
    needed_bytes: int
    evicted_segments: int
    evicted_bytes: int
    relieved: bool


@dataclass(frozen=True, slots=True)
class SpaceCheck:
    """How many bytes must go: the free-space target and the quota, whichever asks for more."""

    needed_bytes: int
    free_bytes: int
    used_bytes: int


@dataclass(slots=True)
class _Tally:
    segments: int = 0
    bytes: int = 0
    missing: int = 0


def _batch_details(batch: list[Segment]) -> dict[str, str]:
    return {
        "segments": str(len(batch)),
        "bytes": str(sum(s.size for s in batch)),
        "oldest": batch[0].start.isoformat(),
        "newest": batch[-1].end.isoformat(),
    }


class ArchiveRetention:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        storage: ArchiveStorage,
        rules: RetentionRules,
        min_free_bytes: int,
        max_archive_bytes: int | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._uow_factory = uow_factory
        self._storage = storage
        self.rules = rules
        self._min_free_bytes = min_free_bytes
        self._max_archive_bytes = max_archive_bytes
        self._clock = clock

    def sweep(self) -> SweepReport:
        """Delete every camera's segments older than its retention, unless a legal hold covers them."""
        now = self._clock()
        with self._uow_factory() as uow:
            camera_ids = uow.segments.camera_ids()
            kinds = {c.id: c.kind for c in uow.cameras.list(EVERYTHING)}
        tally, kept = _Tally(), 0
        for camera_id in camera_ids:
            cutoff = self.rules.cutoff(now, camera_id, kinds.get(camera_id))
            self._sweep_camera(camera_id, cutoff, tally)
            with self._uow_factory() as uow:
                kept += uow.segments.count_held(camera_id, cutoff)
        snapshots = self._sweep_snapshots(now, kinds)
        return SweepReport(tally.segments, tally.bytes, kept, tally.missing, snapshots)

    def _sweep_snapshots(self, now: datetime, kinds: Mapping[str, CameraKind]) -> int:
        """Snapshots are pictures of people: they go with the video of their day, unless a hold covers it."""
        deleted = 0
        for camera_id, days in self._storage.snapshot_days().items():
            cutoff = self.rules.cutoff(now, camera_id, kinds.get(camera_id))
            with self._uow_factory() as uow:
                holds = [h.range for h in uow.legal_holds.list(camera_id)]
            expired = [
                day
                for day in days
                if _day_range(day).end <= cutoff and not any(r.overlaps(*_bounds(day)) for r in holds)
            ]
            if not expired:
                continue
            count = sum(self._storage.delete_snapshot_day(camera_id, day) for day in expired)
            deleted += count
            with self._uow_factory() as uow:
                details = {"days": ",".join(d.isoformat() for d in expired), "files": str(count)}
                uow.audit.append(audited(SWEEPER, "expire_snapshots", f"camera:{camera_id}", details))
                uow.commit()
        return deleted

    def _sweep_camera(self, camera_id: str, cutoff: datetime, tally: _Tally) -> None:
        while True:
            with self._uow_factory() as uow:
                batch = uow.segments.unheld(BATCH, camera_id=camera_id, ended_by=cutoff)
                if not batch:
                    return
                uow.segments.remove([s.id for s in batch if s.id is not None])
                details = _batch_details(batch) | {"ended_by": cutoff.isoformat()}
                uow.audit.append(audited(SWEEPER, "expire_archive_segments", f"camera:{camera_id}", details))
                size = sum(s.size for s in batch)
                uow.emit(
                    ArchiveSegmentsExpired(
                        camera_id=camera_id, segments=len(batch), bytes=size, ended_before=cutoff
                    )
                )
                uow.commit()
            self._delete_files(batch, tally)

    def _delete_files(self, batch: list[Segment], tally: _Tally) -> None:
        for segment in batch:
            if not self._storage.delete(segment.path):
                tally.missing += 1
            tally.segments += 1
            tally.bytes += segment.size

    def check_space(self) -> SpaceCheck:
        free = self._storage.free_bytes()
        with self._uow_factory() as uow:
            used = uow.segments.totals().bytes
        over_quota = used - self._max_archive_bytes if self._max_archive_bytes is not None else 0
        return SpaceCheck(max(self._min_free_bytes - free, over_quota, 0), free, used)

    def relieve_pressure(self) -> PressureReport | None:
        """Evict the oldest unheld segments until the free-space target and the quota are met.

        Returns None when there is no pressure; otherwise emits ``ArchiveDiskPressure`` (a warning).
        """
        space = self.check_space()
        needed, free, used = space.needed_bytes, space.free_bytes, space.used_bytes
        if needed == 0:
            return None
        tally = _Tally()
        while tally.bytes < needed:
            with self._uow_factory() as uow:
                batch = self._victims(uow.segments.unheld(BATCH), needed - tally.bytes)
                if not batch:
                    break
                uow.segments.remove([s.id for s in batch if s.id is not None])
                uow.audit.append(audited(EVICTOR, "evict_archive_segments", "archive", _batch_details(batch)))
                uow.commit()
            self._delete_files(batch, tally)
        report = PressureReport(free, used, needed, tally.segments, tally.bytes, tally.bytes >= needed)
        with self._uow_factory() as uow:
            uow.emit(
                ArchiveDiskPressure(
                    free_bytes=free,
                    used_bytes=used,
                    needed_bytes=needed,
                    evicted_segments=tally.segments,
                    evicted_bytes=tally.bytes,
                    relieved=report.relieved,
                )
            )
            uow.commit()
        return report

    @staticmethod
    def _victims(oldest: list[Segment], still_needed: int) -> list[Segment]:
        """The oldest segments, just enough of them to free ``still_needed`` bytes."""
        victims, freed = [], 0
        for segment in oldest:
            if freed >= still_needed:
                break
            victims.append(segment)
            freed += segment.size
        return victims


def _day_range(day: date) -> TimeRange:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return TimeRange(start, start + timedelta(days=1))


def _bounds(day: date) -> tuple[datetime, datetime]:
    whole = _day_range(day)
    return whole.start, whole.end
