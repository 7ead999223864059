"""Archived video: list a camera's segments, play them back over HLS, download a clip.

The playlist's segment URIs point at ``/api/archive/segments/{id}/media.ts``, which needs the same
permission (an HLS player sends the bearer token with each request). Every access is audited by the
playback service with the camera, time range, reason and case number (``X-Kuzet-Reason``/``-Case``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from starlette.background import BackgroundTask

from kuzet.api.contract import Instant, time_range_rule
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.archive.model import Segment, TimeRange
from kuzet.domain.users.model import Permission
from kuzet.services.archive.segments import remove_scratch

router = APIRouter(prefix="/api/archive", tags=["archive"], responses=responses(*AUTHENTICATED))

# The playback service audits each access itself, with the time range in the record.
CanPlay = Annotated[
    Principal, Depends(Authorize(Permission.ARCHIVE_READ, "play_back_archive", audit_view=False))
]
Start = Annotated[Instant, Query(description="Start of the range (ISO 8601 with a zone)")]
End = Annotated[Instant, Query(description="End of the range (ISO 8601 with a zone)")]
HLS_MEDIA_TYPE = "application/vnd.apple.mpegurl"


def media(media_type: str, description: str) -> dict[int | str, dict[str, object]]:
    """The 200 answer of a route that sends a file or text, not JSON."""
    schema = {"type": "string"} if media_type.startswith("text/") else {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {media_type: {"schema": schema}}}}


class SegmentPublic(BaseModel):
    id: int
    camera_id: str
    start: datetime
    end: datetime
    seconds: float
    size: int
    sha256: str
    keyframe_aligned: bool
    upload_id: str | None

    @classmethod
    def of(cls, segment: Segment) -> SegmentPublic:
        assert segment.id is not None
        return cls(
            id=segment.id,
            camera_id=segment.camera_id,
            start=segment.start,
            end=segment.end,
            seconds=segment.seconds,
            size=segment.size,
            sha256=segment.sha256,
            keyframe_aligned=segment.keyframe_aligned,
            upload_id=segment.upload_id,
        )


def time_range(start: datetime, end: datetime, where: str = "query") -> TimeRange:
    """The range, or a 422 naming both ends when it ends before it starts (a rule no schema states)."""
    try:
        return TimeRange(start, end)
    except ValueError as exc:
        raise InvalidRequestError(str(exc), (where, "start"), (where, "end")) from None


@router.get(
    "/cameras/{camera_id}/segments",
    description=f"The camera's archived segments that overlap the range. {time_range_rule()}",
    responses=responses(404, 422),
)
def list_segments(
    camera_id: str, start: Start, end: End, principal: CanPlay, kuzet: KuzetDep
) -> list[SegmentPublic]:
    found = kuzet.archive.playback.segments(
        camera_id, time_range(start, end), principal.scope, principal.actor
    )
    return [SegmentPublic.of(s) for s in found]


@router.get(
    "/cameras/{camera_id}/playlist.m3u8",
    response_class=Response,
    description=f"An HLS playlist of the range. {time_range_rule('24 hours (longer: 400)')}",
    responses=responses(400, 404, 422) | media(HLS_MEDIA_TYPE, "The HLS playlist"),
)
def hls_playlist(
    *, camera_id: str, start: Start, end: End, request: Request, principal: CanPlay, kuzet: KuzetDep
) -> Response:
    def uri(segment: Segment) -> str:
        return str(request.app.url_path_for("archive_segment_media", segment_id=str(segment.id)))

    text = kuzet.archive.playback.playlist(
        camera_id, time_range(start, end), principal.scope, principal.actor, uri
    )
    return Response(text, media_type=HLS_MEDIA_TYPE)


@router.get(
    "/segments/{segment_id}/media.ts",
    name="archive_segment_media",
    response_class=FileResponse,
    responses=responses(404, 410, 422) | media("video/mp2t", "The MPEG-TS segment"),
)
def segment_media(segment_id: str, principal: CanPlay, kuzet: KuzetDep) -> FileResponse:
    if not segment_id.isdigit():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"segment {segment_id!r} not found")
    found = kuzet.archive.playback.segment_file(int(segment_id), principal.scope, principal.actor)
    if not found.file.is_file():
        raise HTTPException(
            status.HTTP_410_GONE, f"segment {found.segment.path} is indexed but its file is gone"
        )
    return FileResponse(found.file, media_type="video/mp2t")


@router.get(
    "/cameras/{camera_id}/clip.mp4",
    response_class=FileResponse,
    description=(
        "The range remuxed into one MP4. " + time_range_rule("the archive's max_clip_seconds (longer: 400)")
    ),
    responses=responses(400, 404, 422) | media("video/mp4", "The clip"),
)
def download_clip(
    camera_id: str, start: Start, end: End, principal: CanPlay, kuzet: KuzetDep
) -> FileResponse:
    info, path = kuzet.archive.playback.clip(
        camera_id, time_range(start, end), principal.scope, principal.actor
    )
    name = f"{camera_id}_{info.range.start:%Y%m%dT%H%M%S}.mp4"
    return FileResponse(
        path,
        media_type="video/mp4",
        filename=name,
        headers={"X-Kuzet-Sha256": info.sha256},
        background=BackgroundTask(remove_scratch, path),
    )
