"""Evidence export: a signed bundle of a camera's video of a time range, for a case, with a reason.

The bundle holds the clip (remuxed, playable anywhere), the original segments it was cut from (their
hashes are the ones recorded at write time), a manifest of every file's SHA-256 and an Ed25519
signature over it. A segment that no longer matches its recorded hash stops the export. The export,
who made it, why and for which case is audited in the same transaction that records it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from uuid import uuid4

from kuzet.domain.archive.events import EvidenceExported
from kuzet.domain.archive.evidence import CLIP_NAME, BundleFile, EvidenceExport, EvidenceManifest
from kuzet.domain.archive.model import Segment, TimeRange
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.archive.errors import ReasonRequiredError
from kuzet.services.archive.ports import (
    ArchiveMedia,
    ArchiveStorage,
    BundleWriter,
    ClipInfo,
    ClipSource,
    EvidenceSigner,
)
from kuzet.services.archive.segments import (
    audited,
    check_length,
    range_details,
    remove_scratch,
    require_camera,
)
from kuzet.services.context import Actor
from kuzet.services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class EvidenceRequest:
    camera_id: str
    range: TimeRange
    case_number: str
    reason: str
    recipient: str = ""


def bundle_name(segment: Segment) -> str:
    """``st-1/2026-01-03/10-00-00.000.ts`` → ``segments/2026-01-03_10-00-00.000.ts``."""
    path = PurePosixPath(segment.path)
    return f"segments/{path.parent.name}_{path.name}"


class EvidenceExports:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        storage: ArchiveStorage,
        media: ArchiveMedia,
        bundles: BundleWriter,
        signer: EvidenceSigner,
        max_seconds: int,
    ) -> None:
        self._uow_factory = uow_factory
        self._storage = storage
        self._media = media
        self._bundles = bundles
        self._signer = signer
        self._max_seconds = max_seconds

    def export(self, request: EvidenceRequest, actor: Actor, scope: TenantScope) -> EvidenceExport:
        if not request.reason.strip():
            raise ReasonRequiredError("an evidence export needs a reason; it is audited with it")
        check_length(request.range, self._max_seconds)
        with self._uow_factory() as uow:
            require_camera(uow, request.camera_id, scope)
            segments = uow.segments.in_range(request.camera_id, request.range.start, request.range.end)
        if not segments:
            raise NotFoundError(f"no video of camera {request.camera_id!r} in {request.range}")
        export_id, created_at = str(uuid4()), utc_now()
        scratch = self._storage.scratch() / f"export-{export_id}"
        scratch.mkdir()
        try:
            clip_path = scratch / CLIP_NAME
            clip = self._media.make_clip(
                [ClipSource(s, self._storage.locate(s.path)) for s in segments], request.range, clip_path
            )
            manifest = self._manifest(
                request, actor, clip, segments, export_id=export_id, created_at=created_at
            )
            relative = self._storage.evidence_target(export_id, created_at)
            files = [
                (CLIP_NAME, clip_path),
                *((bundle_name(s), self._storage.locate(s.path)) for s in segments),
            ]
            bundle_sha256 = self._bundles.write(self._storage.locate(relative), manifest, files)
        finally:
            remove_scratch(scratch)
        export = EvidenceExport(
            id=export_id,
            camera_id=request.camera_id,
            range=request.range,
            case_number=request.case_number,
            reason=request.reason,
            recipient=request.recipient,
            created_by=actor.name,
            created_at=created_at,
            bundle_path=relative,
            bundle_sha256=bundle_sha256,
            clip_sha256=clip.sha256,
            segment_count=len(segments),
        )
        self._record(export, actor)
        return export

    def _manifest(
        self,
        request: EvidenceRequest,
        actor: Actor,
        clip: ClipInfo,
        segments: list[Segment],
        *,
        export_id: str,
        created_at: datetime,
    ) -> EvidenceManifest:
        return EvidenceManifest(
            export_id=export_id,
            camera_id=request.camera_id,
            range=request.range,
            case_number=request.case_number,
            reason=request.reason,
            recipient=request.recipient,
            created_by=actor.name,
            created_at=created_at,
            clip=BundleFile(CLIP_NAME, clip.sha256, clip.size, clip.range.start, clip.range.end),
            segments=tuple(BundleFile(bundle_name(s), s.sha256, s.size, s.start, s.end) for s in segments),
            key_fingerprint=self._signer.fingerprint,
        )

    def _record(self, export: EvidenceExport, actor: Actor) -> None:
        auditor = replace(actor, reason=export.reason, case_number=export.case_number)
        details = range_details(export.range) | {
            "export_id": export.id,
            "recipient": export.recipient,
            "clip_sha256": export.clip_sha256,
            "segments": str(export.segment_count),
        }
        with self._uow_factory() as uow:
            uow.evidence_exports.add(export)
            uow.audit.append(audited(auditor, "export_evidence", f"camera:{export.camera_id}", details))
            uow.emit(
                EvidenceExported(
                    export_id=export.id,
                    camera_id=export.camera_id,
                    start=export.range.start,
                    end=export.range.end,
                    case_number=export.case_number,
                    exported_by=actor.name,
                )
            )
            uow.commit()

    def list(self, case_number: str | None = None, limit: int = 100) -> list[EvidenceExport]:
        with self._uow_factory() as uow:
            return uow.evidence_exports.list(case_number, limit)

    def bundle(self, export_id: str, actor: Actor) -> tuple[EvidenceExport, Path]:
        """The bundle file of an export, for download (audited)."""
        with self._uow_factory() as uow:
            export = uow.evidence_exports.get(export_id)
            if export is None:
                raise NotFoundError(f"evidence export {export_id!r} not found")
            details = {"export_id": export.id, "bundle_sha256": export.bundle_sha256}
            uow.audit.append(audited(actor, "download_evidence", f"camera:{export.camera_id}", details))
            uow.commit()
        return export, self._storage.locate(export.bundle_path)
