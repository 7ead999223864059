"""Incidents: open from alerts, move through their states, notes, unit recommendations and dispatch."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import (
    NOT_BLANK,
    OFFENSE_CODE,
    Integer,
    Latitude,
    Longitude,
    check_on_map,
    link,
    links,
)
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import Priority
from kuzet.domain.operations.incidents import ClosureCode, Incident, IncidentState
from kuzet.domain.operations.messages import AddIncidentNote, ChangeIncidentState, DispatchUnits, OpenIncident
from kuzet.domain.operations.units import UnitKind
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/incidents", tags=["incidents"], responses=responses(*AUTHENTICATED))
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
    priority: Priority
    state: IncidentState
    lat: float | None
    lon: float | None
    summary: str
    created_at: datetime
    created_by: str
    parent_id: str | None
    unit_ids: list[str]
    closure_code: ClosureCode | None
    version: int
    notes: list[NotePublic] = []

    @classmethod
    def of(cls, incident: Incident, notes: list[NotePublic] | None = None) -> IncidentPublic:
        return cls(
            id=incident.id,
            code=incident.code,
            priority=incident.priority,
            state=incident.state,
            lat=incident.position.lat if incident.position else None,
            lon=incident.position.lon if incident.position else None,
            summary=incident.summary,
            created_at=incident.created_at,
            created_by=incident.created_by,
            parent_id=incident.parent_id,
            unit_ids=list(incident.unit_ids),
            closure_code=incident.closure_code,
            version=incident.version,
            notes=notes or [],
        )


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64, description="Offense code", json_schema_extra=OFFENSE_CODE)
    summary: str = Field("", max_length=2000)
    lat: Latitude | None = None
    lon: Longitude | None = None
    alert_ids: list[str] = Field(default_factory=list, max_length=50)
    parent_id: str | None = Field(None, description="Open as a sub-incident of this one")


class IncidentStateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: IncidentState
    version: Integer = Field(ge=1)
    closure_code: ClosureCode | None = None


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000, json_schema_extra=NOT_BLANK)


class DispatchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_ids: list[str] = Field(min_length=1, max_length=20)
    version: Integer = Field(ge=1)


LonLat = Annotated[list[float], Field(min_length=2, max_length=2)]


class RecommendationPublic(BaseModel):
    unit_id: str
    call_sign: str
    kind: UnitKind
    eta_s: float
    straight_m: float
    # Lists, not tuples: a tuple's prefixItems becomes a TypeScript tuple that openapi-fetch widens again.
    route: list[LonLat] = Field(
        description="The road path the ETA was timed on, from the unit to the incident, as [lon, lat] points"
    )


def incident_links(at: str = "$response.body#") -> dict[str, dict[str, Any]]:
    """Links from a response holding an incident at JSON pointer ``at`` to what one does with it next."""
    incident_id, version = f"{at}/id", f"{at}/version"
    path = "/api/incidents/{incident_id}"
    return {
        "GetIncident": link("GET", path, "The incident with its notes", incident_id=incident_id),
        "ChangeIncidentState": link(
            "POST", f"{path}/state", "Move it at the version just read", incident_id=incident_id
        )
        | {"requestBody": {"version": version}},
        "AddIncidentNote": link("POST", f"{path}/notes", "Add a note", incident_id=incident_id),
        "RecommendUnits": link("GET", f"{path}/recommendations", "Units to send", incident_id=incident_id),
        "DispatchUnits": link(
            "POST", f"{path}/dispatch", "Send units at the version just read", incident_id=incident_id
        )
        | {"requestBody": {"version": version}},
    }


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


@router.get(
    "",
    responses=responses(422)
    | {
        200: links(
            GetFirstIncident=link(
                "GET",
                "/api/incidents/{incident_id}",
                "The newest incident",
                incident_id="$response.body#/0/id",
            )
        )
    },
)
def list_incidents(
    principal: CanRead,
    kuzet: KuzetDep,
    open_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[IncidentPublic]:
    with kuzet.uow() as uow:
        incidents = uow.incidents.recent(principal.scope, limit, open_only)
    return [IncidentPublic.of(i) for i in incidents]


@router.get("/{incident_id}", responses=responses(404, 422) | {200: links(**incident_links())})
def get_incident(incident_id: str, principal: CanRead, kuzet: KuzetDep) -> IncidentPublic:
    incident = _visible(kuzet, principal, incident_id)
    with kuzet.uow() as uow:
        notes = [NotePublic(at=a, author=b, text=t) for a, b, t in uow.incidents.notes(incident_id)]
    return IncidentPublic.of(incident, notes)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(404, 422) | {201: links(**incident_links())},
)
def create_incident(body: IncidentCreate, principal: CanWrite, kuzet: KuzetDep) -> IncidentPublic:
    if body.code not in kuzet.taxonomy:
        raise InvalidRequestError(f"unknown offense code {body.code!r}", ("body", "code"))
    position = GeoPoint(body.lat, body.lon) if body.lat is not None and body.lon is not None else None
    if position is not None:
        check_on_map(kuzet, position)
    command = OpenIncident(
        by=principal.user.username,
        code=body.code,
        position=position,
        summary=body.summary,
        alert_ids=tuple(body.alert_ids),
        parent_id=body.parent_id,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))


@router.post("/{incident_id}/state", responses=responses(404, 409, 422) | {200: links(**incident_links())})
def change_state(
    incident_id: str, body: IncidentStateChange, principal: CanWrite, kuzet: KuzetDep
) -> IncidentPublic:
    _visible(kuzet, principal, incident_id)
    command = ChangeIncidentState(
        by=principal.user.username,
        incident_id=incident_id,
        to=body.to,
        expected_version=body.version,
        closure=body.closure_code,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))


@router.post("/{incident_id}/notes", status_code=status.HTTP_201_CREATED, responses=responses(404, 409, 422))
def add_note(incident_id: str, body: NoteCreate, principal: CanWrite, kuzet: KuzetDep) -> None:
    _visible(kuzet, principal, incident_id)
    kuzet.messagebus.handle(
        AddIncidentNote(by=principal.user.username, incident_id=incident_id, text=body.text), principal.actor
    )


@router.get("/{incident_id}/recommendations", responses=responses(404, 409, 422))
def recommend_units(
    incident_id: str, principal: CanDispatch, kuzet: KuzetDep, k: Annotated[int, Query(ge=1, le=20)] = 3
) -> list[RecommendationPublic]:
    _visible(kuzet, principal, incident_id)
    return [
        RecommendationPublic(
            unit_id=r.unit_id,
            call_sign=r.call_sign,
            kind=r.kind,
            eta_s=r.eta_s,
            straight_m=r.straight_m,
            route=[[lon, lat] for lon, lat in r.route],
        )
        for r in kuzet.operations.advisor.recommend(incident_id, k)
    ]


@router.post("/{incident_id}/dispatch", responses=responses(404, 409, 422) | {200: links(**incident_links())})
def dispatch(incident_id: str, body: DispatchBody, principal: CanDispatch, kuzet: KuzetDep) -> IncidentPublic:
    _visible(kuzet, principal, incident_id)
    command = DispatchUnits(
        by=principal.user.username,
        incident_id=incident_id,
        unit_ids=tuple(body.unit_ids),
        expected_version=body.version,
    )
    return _result(kuzet.messagebus.handle(command, principal.actor))
