"""Uploaded footage (body cams, drones): probe, remux into archive segments, index, audit.

The file is copied to the archive's disk while its SHA-256 is taken (chain of custody: the hash of
what the officer handed in), probed, and only then cut into segments by the same recorder as live
video. Anything wrong (not video, corrupt, unsupported codec, disk full) stores nothing and says
why, naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from uuid import uuid4

from kuzet.domain.archive.events import FootageUploaded
from kuzet.domain.archive.model import Segment, Upload
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.archive.errors import ArchiveRequestError
from kuzet.services.archive.ports import ArchiveMedia, ArchiveStorage
from kuzet.services.archive.segments import audited, remove_scratch
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWorkFactory

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class UploadRequest:
    camera_id: str
    officer: str
    unit: str
    recorded_at: datetime
    filename: str

    def __post_init__(self) -> None:
        missing = [n for n in ("officer", "unit", "filename") if not str(getattr(self, n)).strip()]
        if missing:
            raise ArchiveRequestError(f"an upload needs {', '.join(missing)}")
        if self.recorded_at.tzinfo is None:
            raise ArchiveRequestError("recorded_at needs a time zone, e.g. 2026-01-03T10:00:00+05:00")


def _copy_hashed(source: BinaryIO, target: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(target, "xb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class Uploads:
    def __init__(self, uow_factory: UnitOfWorkFactory, storage: ArchiveStorage, media: ArchiveMedia) -> None:
        self._uow_factory = uow_factory
        self._storage = storage
        self._media = media

    def upload(self, source: BinaryIO, request: UploadRequest, actor: Actor, scope: TenantScope) -> Upload:
        with self._uow_factory() as uow:
            if uow.cameras.get(request.camera_id, scope) is None:
                raise NotFoundError(
                    f"camera {request.camera_id!r} not found; register the body cam or drone first"
                )
        upload_id = str(uuid4())
        copy = self._storage.scratch() / f"upload-{upload_id}"
        try:
            sha256, size = _copy_hashed(source, copy)
            self._media.probe(copy, request.filename)
            segments = self._media.record_file(
                copy, request.filename, request.camera_id, request.recorded_at, upload_id
            )
        finally:
            remove_scratch(copy)
        upload = Upload(
            id=upload_id,
            camera_id=request.camera_id,
            officer=request.officer,
            unit=request.unit,
            recorded_at=request.recorded_at,
            filename=request.filename,
            sha256=sha256,
            size=size,
            uploaded_by=actor.name,
            uploaded_at=utc_now(),
            segment_count=len(segments),
        )
        try:
            self._record(upload, segments, actor)
        except BaseException:
            for segment in segments:
                self._storage.delete(segment.path)
            raise
        return upload

    def _record(self, upload: Upload, segments: list[Segment], actor: Actor) -> None:
        details = {
            "upload_id": upload.id,
            "filename": upload.filename,
            "sha256": upload.sha256,
            "officer": upload.officer,
            "unit": upload.unit,
            "recorded_at": upload.recorded_at.isoformat(),
            "segments": str(len(segments)),
        }
        with self._uow_factory() as uow:
            uow.uploads.add(upload)
            for segment in segments:
                uow.segments.add(segment)
            uow.audit.append(audited(actor, "upload_footage", f"camera:{upload.camera_id}", details))
            uow.emit(
                FootageUploaded(
                    upload_id=upload.id,
                    camera_id=upload.camera_id,
                    officer=upload.officer,
                    unit=upload.unit,
                    recorded_at=upload.recorded_at,
                    segments=len(segments),
                )
            )
            uow.commit()
