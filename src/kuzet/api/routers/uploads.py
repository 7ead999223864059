"""Uploaded footage (body cams, drones): a multipart file with who recorded it, when, with which unit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile, status
from pydantic import AwareDatetime, BaseModel

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.domain.archive.model import Upload
from kuzet.domain.users.model import Permission
from kuzet.services.archive.uploads import UploadRequest

router = APIRouter(prefix="/api/uploads", tags=["uploads"])

# The upload service audits the upload with the file's hash, officer and unit.
CanUpload = Annotated[
    Principal, Depends(Authorize(Permission.UPLOADS_WRITE, "upload_footage", audit_view=False))
]


class UploadPublic(BaseModel):
    id: str
    camera_id: str
    officer: str
    unit: str
    recorded_at: datetime
    filename: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    segments: int

    @classmethod
    def of(cls, upload: Upload) -> UploadPublic:
        return cls(
            id=upload.id,
            camera_id=upload.camera_id,
            officer=upload.officer,
            unit=upload.unit,
            recorded_at=upload.recorded_at,
            filename=upload.filename,
            sha256=upload.sha256,
            size=upload.size,
            uploaded_by=upload.uploaded_by,
            uploaded_at=upload.uploaded_at,
            segments=upload.segment_count,
        )


@router.post("", status_code=status.HTTP_201_CREATED)
def upload_footage(
    *,
    principal: CanUpload,
    kuzet: KuzetDep,
    file: Annotated[UploadFile, File(description="The video file (MP4, MOV, MKV, TS; H.264 or H.265)")],
    camera_id: Annotated[str, Form(max_length=64, description="The registered body cam or drone")],
    officer: Annotated[str, Form(min_length=1, max_length=200, description="Who wore or flew it")],
    unit: Annotated[str, Form(min_length=1, max_length=200, description="The officer's unit")],
    recorded_at: Annotated[AwareDatetime, Form(description="When the recording started (ISO 8601)")],
) -> UploadPublic:
    request = UploadRequest(camera_id, officer, unit, recorded_at, file.filename or "upload")
    upload = kuzet.archive.uploads.upload(file.file, request, principal.actor, principal.scope)
    return UploadPublic.of(upload)
