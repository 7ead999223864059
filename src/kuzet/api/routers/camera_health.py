"""Camera health: which cameras are down now (since when, why) and uptime per camera and district.

A tenant sees only its own cameras. The paths have two segments under ``/api/cameras``, so the camera
router's ``/api/cameras/{camera_id}`` never takes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from kuzet.api.contract import Instant
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.fleet.availability import Availability, CameraDown
from kuzet.domain.messages import utc_now
from kuzet.domain.users.model import Permission
from kuzet.services.fleet import health as camera_health

router = APIRouter(prefix="/api/cameras/health", tags=["camera health"], responses=responses(*AUTHENTICATED))
CanRead = Annotated[Principal, Depends(Authorize(Permission.CAMERA_HEALTH_READ, "view_camera_health"))]
MAX_WINDOW = timedelta(days=366)


class CameraDownPublic(BaseModel):
    camera_id: str
    district_id: str
    condition: str
    since: datetime
    down_for_s: float
    detail: str
    device_state: str

    @classmethod
    def of(cls, down: CameraDown, now: datetime) -> CameraDownPublic:
        return cls(
            camera_id=down.camera_id,
            district_id=down.district_id,
            condition=down.condition.value,
            since=down.since,
            down_for_s=max(0.0, (now - down.since).total_seconds()),
            detail=down.detail,
            device_state=down.device_state.value,
        )


class UptimePublic(BaseModel):
    id: str
    district_id: str
    uptime: float | None
    owed_s: float
    down_s: float

    @classmethod
    def of(cls, a: Availability) -> UptimePublic:
        return cls(
            id=a.subject, district_id=a.district_id, uptime=a.fraction, owed_s=a.owed_s, down_s=a.down_s
        )


class UptimeReportPublic(BaseModel):
    start: datetime
    end: datetime
    cameras: list[UptimePublic]
    districts: list[UptimePublic]


@router.get("/down", responses=responses(422))
def cameras_down(
    principal: CanRead, kuzet: KuzetDep, district_id: str | None = None
) -> list[CameraDownPublic]:
    """Cameras whose picture is not ok now, longest down first."""
    with kuzet.uow() as uow:
        down = camera_health.cameras_down_now(uow, principal.scope, district_id)
    now = utc_now()
    return [CameraDownPublic.of(d, now) for d in down]


@router.get("/uptime", responses=responses(404, 422))
def uptime(
    principal: CanRead,
    kuzet: KuzetDep,
    *,
    start: Annotated[Instant | None, Query(description="Window start (default: 7 days before end)")] = None,
    end: Annotated[Instant | None, Query(description="Window end (default and at most: now)")] = None,
    district_id: str | None = None,
    camera_id: str | None = None,
) -> UptimeReportPublic:
    """Share of owed time each camera worked, and per district (planned outages are not owed).

    The window must end after it starts and span at most 366 days.
    """
    end = end or utc_now()
    try:
        start = start or end - timedelta(days=7)
    except OverflowError:  # an end in the first week of year 1: the default start is not a date
        start = None
    if start is None or not timedelta(0) < end - start <= MAX_WINDOW:
        raise InvalidRequestError(
            "the window must end after it starts and span at most 366 days",
            ("query", "start"),
            ("query", "end"),
        )
    with kuzet.uow() as uow:
        report = camera_health.uptime(
            uow, principal.scope, start, end, camera_id=camera_id, district_id=district_id
        )
    return UptimeReportPublic(
        start=report.start,
        end=report.end,
        cameras=[UptimePublic.of(c) for c in report.cameras],
        districts=[UptimePublic.of(d) for d in report.districts],
    )
