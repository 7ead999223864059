"""Alerts: the operator's queue. Acknowledge, escalate or dismiss (with a reason), tick off SOP steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import NOT_BLANK, Integer, link, links
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.offenses import Priority
from kuzet.domain.operations.alerts import Alert, AlertStatus
from kuzet.domain.operations.messages import AcknowledgeAlert, CompleteSopStep, DismissAlert, EscalateAlert
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/alerts", tags=["alerts"], responses=responses(*AUTHENTICATED))
CanRead = Annotated[Principal, Depends(Authorize(Permission.ALERTS_READ, "view_alerts"))]
CanSee = Annotated[Principal, Depends(Authorize(Permission.ALERTS_READ, "view_alert_snapshot"))]
CanAct = Annotated[Principal, Depends(Authorize(Permission.ALERTS_WRITE, "handle_alert", audit_view=False))]
CanEscalate = Annotated[
    Principal, Depends(Authorize(Permission.ALERTS_WRITE, "escalate_alert", audit_view=False))
]
MAX_LIST = 2_000  # a busy night's open alerts (about 1,000) in one read


class SopStepPublic(BaseModel):
    index: int
    text: str
    done: bool


class AlertPublic(BaseModel):
    id: str
    code: str
    priority: Priority
    status: AlertStatus
    first_at: datetime
    last_at: datetime
    count: int
    camera_id: str | None
    track_id: int | None
    lat: float | None
    lon: float | None
    detail: str
    acknowledged_by: str | None
    escalated_at: datetime | None
    incident_id: str | None
    version: int
    procedure: list[SopStepPublic]
    snapshot_url: str | None = Field(description="The analytics snapshot (JPEG with the box drawn), if any")

    @classmethod
    def of(cls, alert: Alert, steps: tuple[str, ...]) -> AlertPublic:
        return cls(
            id=alert.id,
            code=alert.code,
            priority=alert.priority,
            status=alert.status,
            first_at=alert.first_at,
            last_at=alert.last_at,
            count=alert.count,
            camera_id=alert.camera_id,
            track_id=alert.track_id,
            lat=alert.position.lat if alert.position else None,
            lon=alert.position.lon if alert.position else None,
            detail=alert.detail,
            acknowledged_by=alert.acknowledged_by,
            escalated_at=alert.escalated_at,
            incident_id=alert.incident_id,
            version=alert.version,
            procedure=[SopStepPublic(index=i, text=t, done=i in alert.sop_done) for i, t in enumerate(steps)],
            snapshot_url=f"/api/alerts/{alert.id}/snapshot.jpg" if alert.snapshot_ref else None,
        )


class VersionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Integer = Field(ge=1, description="The alert version the operator saw")


class DismissBody(VersionBody):
    reason: str = Field(min_length=3, max_length=500, json_schema_extra=NOT_BLANK)


class EscalateBody(VersionBody):
    reason: str = Field(
        min_length=3,
        max_length=500,
        description="Why a supervisor must look now (kept in the audit log and sent on the live feed)",
        json_schema_extra=NOT_BLANK,
    )


def _visible(kuzet: KuzetDep, principal: Principal, alert_id: str) -> Alert:
    with kuzet.uow() as uow:
        alert = uow.alerts.get(alert_id)
    if alert is None or not (principal.scope.is_unrestricted or alert.tenant_id == principal.scope.tenant_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"alert {alert_id!r} not found")
    return alert


ALERT_ID = "$response.body#/id"
FIRST_ALERT_ID = "$response.body#/0/id"
_ALERT_LINKS = {
    "GetAlert": link("GET", "/api/alerts/{alert_id}", "The alert again", alert_id=ALERT_ID),
    "AcknowledgeAlert": link(
        "POST",
        "/api/alerts/{alert_id}/acknowledge",
        "Acknowledge the alert at the version just read",
        alert_id=ALERT_ID,
    )
    | {"requestBody": {"version": "$response.body#/version"}},
    "EscalateAlert": link(
        "POST",
        "/api/alerts/{alert_id}/escalate",
        "Hand the alert to a supervisor at the version just read",
        alert_id=ALERT_ID,
    )
    | {"requestBody": {"version": "$response.body#/version", "reason": "needs a supervisor now"}},
}


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            GetFirstAlert=link("GET", "/api/alerts/{alert_id}", "The newest alert", alert_id=FIRST_ALERT_ID),
            GetFirstSnapshot=link(
                "GET",
                "/api/alerts/{alert_id}/snapshot.jpg",
                "The newest alert's snapshot",
                alert_id=FIRST_ALERT_ID,
            ),
        )
    },
)
def list_alerts(
    principal: CanRead,
    kuzet: KuzetDep,
    active: bool = True,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIST, description=f"The newest alerts first, at most {MAX_LIST:,}")
    ] = 100,
) -> list[AlertPublic]:
    with kuzet.uow() as uow:
        alerts = uow.alerts.recent(principal.scope, limit, active_only=active)
    sops = kuzet.operations.alert_policy.sops
    return [AlertPublic.of(a, sops.get(a.code, ())) for a in alerts]


@router.get("/{alert_id}", responses=responses(404, 422) | {200: links(**_ALERT_LINKS)})
def get_alert(alert_id: str, principal: CanRead, kuzet: KuzetDep) -> AlertPublic:
    alert = _visible(kuzet, principal, alert_id)
    return AlertPublic.of(alert, kuzet.operations.alert_policy.sops.get(alert.code, ()))


@router.get(
    "/{alert_id}/snapshot.jpg",
    response_class=FileResponse,
    responses=responses(404, 410, 422)
    | {
        200: {
            "description": "The JPEG",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def get_snapshot(alert_id: str, principal: CanSee, kuzet: KuzetDep) -> FileResponse:
    """The picture the analytics took when it raised the alert (each view is audited)."""
    alert = _visible(kuzet, principal, alert_id)
    if alert.snapshot_ref is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"alert {alert_id!r} has no snapshot")
    try:
        path = kuzet.archive.storage.locate(alert.snapshot_ref)
    except ValueError:  # a reference outside the archive: never served
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"alert {alert_id!r} has no snapshot") from None
    if not path.is_file():
        raise HTTPException(status.HTTP_410_GONE, f"the snapshot of alert {alert_id!r} is no longer stored")
    return FileResponse(path, media_type="image/jpeg", filename=f"{alert_id}.jpg")


@router.post("/{alert_id}/acknowledge", responses=responses(404, 409, 422) | {200: links(**_ALERT_LINKS)})
def acknowledge(alert_id: str, body: VersionBody, principal: CanAct, kuzet: KuzetDep) -> AlertPublic:
    _visible(kuzet, principal, alert_id)
    command = AcknowledgeAlert(by=principal.user.username, alert_id=alert_id, expected_version=body.version)
    alert = kuzet.messagebus.handle(command, principal.actor)
    assert isinstance(alert, Alert)
    return AlertPublic.of(alert, kuzet.operations.alert_policy.sops.get(alert.code, ()))


@router.post("/{alert_id}/escalate", responses=responses(404, 409, 422) | {200: links(**_ALERT_LINKS)})
def escalate(alert_id: str, body: EscalateBody, principal: CanEscalate, kuzet: KuzetDep) -> AlertPublic:
    """Hand an open or acknowledged alert to a supervisor now, before its SLA runs out (audited with the
    reason; the live feed gets the same ``AlertEscalated`` as an escalation past the SLA, with ``by``)."""
    _visible(kuzet, principal, alert_id)
    command = EscalateAlert(
        by=principal.user.username, alert_id=alert_id, expected_version=body.version, reason=body.reason
    )
    alert = kuzet.messagebus.handle(command, replace(principal.actor, reason=body.reason))
    assert isinstance(alert, Alert)
    return AlertPublic.of(alert, kuzet.operations.alert_policy.sops.get(alert.code, ()))


@router.post("/{alert_id}/dismiss", responses=responses(404, 409, 422))
def dismiss(alert_id: str, body: DismissBody, principal: CanAct, kuzet: KuzetDep) -> AlertPublic:
    _visible(kuzet, principal, alert_id)
    command = DismissAlert(
        by=principal.user.username, alert_id=alert_id, expected_version=body.version, reason=body.reason
    )
    alert = kuzet.messagebus.handle(command, principal.actor)
    assert isinstance(alert, Alert)
    return AlertPublic.of(alert, kuzet.operations.alert_policy.sops.get(alert.code, ()))


@router.post("/{alert_id}/procedure/{step}", responses=responses(404, 409, 422))
def complete_step(alert_id: str, step: int, principal: CanAct, kuzet: KuzetDep) -> AlertPublic:
    _visible(kuzet, principal, alert_id)
    alert = kuzet.messagebus.handle(
        CompleteSopStep(by=principal.user.username, alert_id=alert_id, step=step), principal.actor
    )
    assert isinstance(alert, Alert)
    return AlertPublic.of(alert, kuzet.operations.alert_policy.sops.get(alert.code, ()))
