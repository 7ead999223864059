"""Evidence exports: signed bundles of a camera's video for a case (supervisors), and their download."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import NOT_BLANK, Instant, link, links, time_range_rule
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.api.routers.archive import media, time_range
from kuzet.domain.archive.evidence import EvidenceExport
from kuzet.domain.users.model import Permission
from kuzet.services.archive.evidence import EvidenceRequest

router = APIRouter(prefix="/api/evidence", tags=["evidence"], responses=responses(*AUTHENTICATED))
_SAFE = re.compile(r"[^A-Za-z0-9._-]")

# Exports and downloads are audited by the evidence service with the case, reason and hashes.
CanExport = Annotated[
    Principal, Depends(Authorize(Permission.EVIDENCE_EXPORT, "export_evidence", audit_view=False))
]
CanList = Annotated[Principal, Depends(Authorize(Permission.EVIDENCE_EXPORT, "view_evidence_exports"))]


class EvidenceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    camera_id: str = Field(max_length=64)
    start: Instant
    end: Instant
    case_number: str = Field(min_length=1, max_length=64)
    # Checked by the export service (a blank reason is a 400 naming the rule), stated here for clients.
    reason: str = Field(
        max_length=500, description="Why the video leaves the center (required)", json_schema_extra=NOT_BLANK
    )
    recipient: str = Field("", max_length=200, description="Who receives it (court, prosecutor, ...)")


class EvidencePublic(BaseModel):
    id: str
    camera_id: str
    start: datetime
    end: datetime
    case_number: str
    reason: str
    recipient: str
    created_by: str
    created_at: datetime
    bundle_sha256: str
    clip_sha256: str
    segments: int
    download: str

    @classmethod
    def of(cls, export: EvidenceExport) -> EvidencePublic:
        return cls(
            id=export.id,
            camera_id=export.camera_id,
            start=export.range.start,
            end=export.range.end,
            case_number=export.case_number,
            reason=export.reason,
            recipient=export.recipient,
            created_by=export.created_by,
            created_at=export.created_at,
            bundle_sha256=export.bundle_sha256,
            clip_sha256=export.clip_sha256,
            segments=export.segment_count,
            download=f"/api/evidence/{export.id}/bundle.zip",
        )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description=(
        "A signed bundle of the camera's video of the range, for a case. "
        + time_range_rule("the archive's max_clip_seconds (longer: 400)")
        + " A blank reason is a 400."
    ),
    responses=responses(400, 404, 422)
    | {
        201: links(
            DownloadBundle=link(
                "GET", "/api/evidence/{export_id}/bundle.zip", "The bundle", export_id="$response.body#/id"
            )
        )
    },
)
def export_evidence(body: EvidenceCreate, principal: CanExport, kuzet: KuzetDep) -> EvidencePublic:
    request = EvidenceRequest(
        camera_id=body.camera_id,
        range=time_range(body.start, body.end, "body"),
        case_number=body.case_number,
        reason=body.reason,
        recipient=body.recipient,
    )
    return EvidencePublic.of(kuzet.archive.evidence.export(request, principal.actor, principal.scope))


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            DownloadFirstBundle=link(
                "GET",
                "/api/evidence/{export_id}/bundle.zip",
                "The newest bundle",
                export_id="$response.body#/0/id",
            )
        )
    },
)
def list_evidence_exports(
    _: CanList,
    kuzet: KuzetDep,
    case_number: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[EvidencePublic]:
    return [EvidencePublic.of(e) for e in kuzet.archive.evidence.list(case_number, limit)]


@router.get(
    "/{export_id}/bundle.zip",
    response_class=FileResponse,
    responses=responses(400, 404, 422) | media("application/zip", "The signed evidence bundle"),
)
def download_bundle(export_id: str, principal: CanExport, kuzet: KuzetDep) -> FileResponse:
    export, path = kuzet.archive.evidence.bundle(export_id, principal.actor)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"evidence_{_SAFE.sub('_', export.case_number)}_{export.id}.zip",
        headers={"X-Kuzet-Sha256": export.bundle_sha256},
    )
