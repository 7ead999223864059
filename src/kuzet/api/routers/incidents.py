"""Incidents: open from alerts, move through their states, notes, unit recommendations and dispatch."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.domain.geo import GeoPoint
from kuzet.domain.operations.incidents import ClosureCode, Incident, IncidentState
from kuzet.domain.operations.messages import AddIncidentNote, ChangeIncidentState, DispatchUnits, OpenIncident
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/incidents", tags=["incidents"])
CanRead = Annotated[Principal, Depends(Authorize(Permission.INCIDENTS_READ, "view_incidents"))]
CanWrite = Annotated[
    Principal, Depends(Authorize(Permission.INCIDENTS_WRITE, "change_incident", audit_view=False))
]
CanDispatch = Annotated[
    Principal, Depends(Authorize(Permission.DISPATCH, "dispatch_units", audit_view=False))
]


class NotePublic(BaseModel):
    at: datetime
    author: str
    text: str


class IncidentPublic(BaseModel):
    id: str
    code: str
    priority: int
    state: str
    lat: float | None
    lon: float | None
    summary: str
    created_at: datetime
    created_by: str
    parent_id: str | None
    unit_ids: list[str]
    closure_code: str | None
    version: int
    notes: list[NotePublic] = []

    @classmethod
    def of(cls, incident: Incident, notes: list[NotePublic] | None = None) -> IncidentPublic:
        return cls(
            id=incident.id,
            code=incident.code,
            priority=int(incident.priority),
            state=incident.state.value,
            lat=incident.position.lat if incident.position else None,
            lon=incident.position.lon if incident.position else None,
            summary=incident.summary,
            created_at=incident.created_at,
            created_by=incident.created_by,
            parent_id=incident.parent_id,
            unit_ids=list(incident.unit_ids),
            closure_code=incident.closure_code.value if incident.closure_code else None,
            version=incident.version,
            notes=notes or [],
        )


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64, description="Offense code")
    summary: str = Field("", max_length=2000)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    alert_ids: list[str] = Field(default_factory=list, max_length=50)
    parent_id: str | None = Field(None, description="Open as a sub-incident of this one")


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: IncidentState
    version: int = Field(ge=1)
    closure_code: ClosureCode | None = None


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)


class DispatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_ids: list[str] = Field(min_length=1, max_length=20)
    version: int = Field(ge=1)


class RecommendationPublic(BaseModel):
    unit_id: str
    call_sign: str
    kind: str
    eta_s: float
    straight_m: float


def _visible(kuzet: KuzetDep, principal: Principal, incident_id: str) -> Incident:
    with kuzet.uow() as uow:
        incident = uow.incidents.get(incident_id)
    if incident is None or not (
        principal.scope.is_unrestricted or incident.tenant_id == principal.scope.tenant_id
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"incident {incident_id!r} not found")
    return incident


def _result(value: object) -> IncidentPublic:
    assert isinstance(value, Incident)
    return IncidentPublic.of(value)


@router.get("")
def list_incidents(
    principal: CanRead,
    kuzet: KuzetDep,
    open_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[IncidentPublic]:
    with kuzet.uow() as uow:
        incidents = uow.incidents.recent(principal.scope, limit, open_only)
    return [IncidentPublic.of(i) for i in incidents]


@router.get("/{incident_id}")
def get_incident(incident_id: str, principal: CanRead, kuzet: KuzetDep) -> IncidentPublic:
    incident = _visible(kuzet, principal, incident_id)
    with kuzet.uow() as uow:
        notes = [NotePublic(at=a, author=b, text=t) for a, b, t in uow.incidents.notes(incident_id)]
    return IncidentPublic.of(incident, notes)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_incident(body: IncidentCreate, principal: CanWrite, kuzet: KuzetDep) -> IncidentPublic:
    if body.code not in kuzet.taxonomy:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown offense code {body.code!r}")
    position = GeoPoint(body.lat, body.lon) if body.lat is not None and body.lon is not None else None
    command = OpenIncident(
        by=principal.user.username,
        code=body.code,
        position=position,
        summary=body.summary,
        alert_ids=tuple(body.alert_ids),
        parent_id=body.parent_id,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))


@router.post("/{incident_id}/state")
def change_state(incident_id: str, body: StateChange, principal: CanWrite, kuzet: KuzetDep) -> IncidentPublic:
    _visible(kuzet, principal, incident_id)
    command = ChangeIncidentState(
        by=principal.user.username,
        incident_id=incident_id,
        to=body.to,
        expected_version=body.version,
        closure=body.closure_code,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))


@router.post("/{incident_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(incident_id: str, body: NoteCreate, principal: CanWrite, kuzet: KuzetDep) -> None:
    _visible(kuzet, principal, incident_id)
    kuzet.messagebus.handle(
        AddIncidentNote(by=principal.user.username, incident_id=incident_id, text=body.text), principal.actor
    )


@router.get("/{incident_id}/recommendations")
def recommend_units(
    incident_id: str, principal: CanDispatch, kuzet: KuzetDep, k: Annotated[int, Query(ge=1, le=20)] = 3
) -> list[RecommendationPublic]:
    _visible(kuzet, principal, incident_id)
    return [
        RecommendationPublic(
            unit_id=r.unit_id,
            call_sign=r.call_sign,
            kind=r.kind.value,
            eta_s=r.eta_s,
            straight_m=r.straight_m,
        )
        for r in kuzet.operations.advisor.recommend(incident_id, k)
    ]


@router.post("/{incident_id}/dispatch")
def dispatch(incident_id: str, body: DispatchBody, principal: CanDispatch, kuzet: KuzetDep) -> IncidentPublic:
    _visible(kuzet, principal, incident_id)
    command = DispatchUnits(
        by=principal.user.username,
        incident_id=incident_id,
        unit_ids=tuple(body.unit_ids),
        expected_version=body.version,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))
