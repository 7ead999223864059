"""Archive use cases: index what the recorder wrote, and play it back (list, HLS, clip), audited.

Every playback writes an audit record with the camera, the time range, the user's reason and case
number (governance 4). Tenants see only their own cameras' video; center staff also see the video of
cameras removed since (evidence outlives the device).
"""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kuzet.domain.archive.model import Segment, TimeRange
from kuzet.domain.audit.chain import AuditEntry
from kuzet.domain.cameras.model import Camera
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.archive.errors import ArchiveRequestError
from kuzet.services.archive.ports import ArchiveMedia, ArchiveStorage, ClipInfo, ClipSource
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWork, UnitOfWorkFactory

EVERYTHING = TenantScope(tenant_id=None)


def require_camera(uow: UnitOfWork, camera_id: str, scope: TenantScope) -> Camera | None:
    """The camera if the scope sees it; center staff may also reach a removed camera's video (None)."""
    camera = uow.cameras.get(camera_id, scope)
    if camera is None and not scope.is_unrestricted:
        raise NotFoundError(f"camera {camera_id!r} not found")
    return camera


def audited(actor: Actor, action: str, target: str, details: Mapping[str, str]) -> AuditEntry:
    """The actor's audit entry for ``action`` with these details (besides the request's own)."""
    entry = actor.audit(action, target)
    return replace(entry, details={**entry.details, **details})


def range_details(wanted: TimeRange) -> dict[str, str]:
    return {"start": wanted.start.isoformat(), "end": wanted.end.isoformat()}


def check_length(wanted: TimeRange, max_seconds: int) -> None:
    if wanted.seconds > max_seconds:
        raise ArchiveRequestError(
            f"the range covers {wanted.seconds:.0f} s; at most {max_seconds} s at a time"
        )


def hls_playlist(segments: Sequence[Segment], uri_for: Callable[[Segment], str]) -> str:
    """An HLS VOD playlist over MPEG-TS segments; a gap in the recording becomes a discontinuity.

    >>> from datetime import UTC, datetime, timedelta
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = Segment("c", t, t + timedelta(seconds=10), "c/a.ts", 1, "0" * 64, id=7)
    >>> print(hls_playlist([s], lambda seg: f"/seg/{seg.id}.ts").splitlines()[-3:])
    ['#EXTINF:10.000,', '/seg/7.ts', '#EXT-X-ENDLIST']
    """
    target = max((math.ceil(s.seconds) for s in segments), default=1)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        f"#EXT-X-TARGETDURATION:{max(target, 1)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
    ]
    previous: Segment | None = None
    for segment in segments:
        # A gap in the recording, or an upload overlapping other video of the camera.
        if previous is not None and abs((segment.start - previous.end).total_seconds()) > 1.0:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += [f"#EXTINF:{segment.seconds:.3f},", uri_for(segment)]
        previous = segment
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


class SegmentIndexer:
    """The recorder's ``on_segment``: each finished segment goes into the index in its own transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def index(self, segment: Segment) -> Segment:
        with self._uow_factory() as uow:
            stored = uow.segments.add(segment)
            uow.commit()
        return stored


@dataclass(frozen=True, slots=True)
class StoredSegment:
    """An indexed segment and its local file."""

    segment: Segment
    file: Path


class Playback:
    """Find, stream and clip archived video; every access is audited."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        storage: ArchiveStorage,
        media: ArchiveMedia,
        max_clip_seconds: int,
    ) -> None:
        self._uow_factory = uow_factory
        self._storage = storage
        self._media = media
        self._max_clip_seconds = max_clip_seconds

    def segments(
        self,
        camera_id: str,
        wanted: TimeRange,
        scope: TenantScope,
        actor: Actor,
        action: str = "view_archive",
    ) -> list[Segment]:
        with self._uow_factory() as uow:
            require_camera(uow, camera_id, scope)
            found = uow.segments.in_range(camera_id, wanted.start, wanted.end)
            details = range_details(wanted) | {"segments": str(len(found))}
            uow.audit.append(audited(actor, action, f"camera:{camera_id}", details))
            uow.commit()
        return found

    def playlist(
        self,
        camera_id: str,
        wanted: TimeRange,
        scope: TenantScope,
        actor: Actor,
        uri_for: Callable[[Segment], str],
    ) -> str:
        check_length(wanted, 24 * 3600)
        found = self.segments(camera_id, wanted, scope, actor, action="play_back_archive")
        if not found:
            raise NotFoundError(f"no video of camera {camera_id!r} between {wanted.start} and {wanted.end}")
        return hls_playlist(found, uri_for)

    def segment_file(self, segment_id: int, scope: TenantScope, actor: Actor) -> StoredSegment:
        with self._uow_factory() as uow:
            segment = uow.segments.get(segment_id)
            if segment is None or (
                not scope.is_unrestricted and uow.cameras.get(segment.camera_id, scope) is None
            ):
                raise NotFoundError(f"segment {segment_id} not found")
            details = {"segment": segment.path, "start": segment.start.isoformat()}
            uow.audit.append(audited(actor, "view_archive_segment", f"camera:{segment.camera_id}", details))
            uow.commit()
        return StoredSegment(segment, self._storage.locate(segment.path))

    def clip(
        self, camera_id: str, wanted: TimeRange, scope: TenantScope, actor: Actor
    ) -> tuple[ClipInfo, Path]:
        """Remux the range into an MP4 in the archive's scratch folder; the caller removes it when sent."""
        check_length(wanted, self._max_clip_seconds)
        found = self.segments(camera_id, wanted, scope, actor, action="download_clip")
        if not found:
            raise NotFoundError(f"no video of camera {camera_id!r} between {wanted.start} and {wanted.end}")
        target = self._storage.scratch() / f"clip-{uuid.uuid4()}.mp4"
        sources = [ClipSource(s, self._storage.locate(s.path)) for s in found]
        try:
            info = self._media.make_clip(sources, wanted, target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return info, target


def remove_scratch(path: Path) -> None:
    """Remove a scratch file or folder once it has been sent or bundled."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
