"""Citizen calls from the duty unit: each opens an incident with the cameras nearest to the place."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.contract import OFFENSE_CODE, Latitude, Longitude, check_on_map, links
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.api.routers.incidents import IncidentPublic, incident_links
from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.field import CitizenCall
from kuzet.domain.operations.incidents import Incident
from kuzet.domain.operations.messages import TakeCitizenCall
from kuzet.domain.users.model import Permission, TenantScope
from kuzet.services.operations.incidents import nearest_cameras

router = APIRouter(prefix="/api/calls", tags=["calls"], responses=responses(*AUTHENTICATED))


class CallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    caller_name: str = Field(min_length=1, max_length=200)
    caller_phone: str = Field(pattern=r"^\+?[0-9 ()-]{5,20}$")
    category: str = Field(
        "citizen_report", max_length=64, description="Offense code", json_schema_extra=OFFENSE_CODE
    )
    lat: Latitude
    lon: Longitude
    address: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=4000)


class CallTaken(BaseModel):
    incident: IncidentPublic
    nearest_camera_ids: list[str]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(422) | {201: links(**incident_links("$response.body#/incident"))},
)
def take_call(
    body: CallCreate,
    principal: Annotated[
        Principal, Depends(Authorize(Permission.CALLS_WRITE, "take_call", audit_view=False))
    ],
    kuzet: KuzetDep,
) -> CallTaken:
    if body.category not in kuzet.taxonomy:
        raise InvalidRequestError(f"unknown category {body.category!r}", ("body", "category"))
    place = GeoPoint(body.lat, body.lon)
    check_on_map(kuzet, place)
    call = CitizenCall(
        caller_name=body.caller_name,
        caller_phone=body.caller_phone,
        category=body.category,
        position=place,
        address=body.address,
        description=body.description,
        received_at=utc_now(),
    )
    incident = kuzet.messagebus.handle(
        TakeCitizenCall(by=principal.user.username, call=call), principal.actor
    )
    assert isinstance(incident, Incident)
    with kuzet.uow() as uow:
        cameras = nearest_cameras(uow.cameras.list(TenantScope(None)), place)
    return CallTaken(incident=IncidentPublic.of(incident), nearest_camera_ids=list(cameras))
