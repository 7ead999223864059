"""Uploaded footage (body cams, drones): a multipart file with who recorded it, when, with which unit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile, status
from pydantic import BaseModel

from kuzet.api.contract import CLOSED_FORM, NOT_BLANK, Instant
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.archive.model import Upload
from kuzet.domain.users.model import Permission
from kuzet.services.archive.uploads import UploadRequest

router = APIRouter(prefix="/api/uploads", tags=["uploads"], responses=responses(*AUTHENTICATED))

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


_FIELDS = frozenset({"file", "camera_id", "officer", "unit", "recorded_at"})


async def _only_known_fields(request: Request) -> None:
    """Refuse form fields the route does not define, as JSON bodies refuse unknown properties."""
    extra = sorted(set((await request.form()).keys()) - _FIELDS)
    if extra:
        raise InvalidRequestError(
            f"unknown form fields: {', '.join(map(repr, extra))}",
            *(("body", name) for name in extra),
            kind="extra_forbidden",
        )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    description=(
        "Archive an uploaded recording of a registered body cam or drone. A file that is not readable "
        "video, or has no keyframe to start from, is a 400 naming the file."
    ),
    responses=responses(400, 404, 422),
    dependencies=[Depends(_only_known_fields)],
    openapi_extra={CLOSED_FORM: True},
)
def upload_footage(
    *,
    principal: CanUpload,
    kuzet: KuzetDep,
    file: Annotated[UploadFile, File(description="The video file (MP4, MOV, MKV, TS; H.264 or H.265)")],
    camera_id: Annotated[str, Form(max_length=64, description="The registered body cam or drone")],
    officer: Annotated[
        str,
        Form(min_length=1, max_length=200, description="Who wore or flew it", json_schema_extra=NOT_BLANK),
    ],
    unit: Annotated[
        str, Form(min_length=1, max_length=200, description="The officer's unit", json_schema_extra=NOT_BLANK)
    ],
    recorded_at: Annotated[Instant, Form(description="When the recording started (ISO 8601)")],
) -> UploadPublic:
    request = UploadRequest(camera_id, officer, unit, recorded_at, file.filename or "upload")
    upload = kuzet.archive.uploads.upload(file.file, request, principal.actor, principal.scope)
    return UploadPublic.of(upload)
