"""The console's base map: the streets dispatch routes on and the districts' areas, as GeoJSON.

Built once per process by ``kuzet.adapters.roads.basemap`` and sent as it was built (the models below
describe it; the contract test checks that it keeps to them).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from kuzet.adapters.roads.basemap import BaseMap
from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, responses
from kuzet.domain.users.model import Permission

router = APIRouter(prefix="/api/map", tags=["map"], responses=responses(*AUTHENTICATED))
CanSeeMap = Annotated[Principal, Depends(Authorize(Permission.DISTRICTS_READ, "view_map"))]
GEOJSON_NOTE = "Positions are (longitude, latitude) pairs in WGS-84, as GeoJSON (RFC 7946) has them."

Position = Annotated[tuple[float, float], Field(description="Longitude, latitude")]
BBox = Annotated[
    tuple[float, float, float, float], Field(description="The map's bounds: west, south, east, north")
]


class LineStringPublic(BaseModel):
    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2)


class StreetPropertiesPublic(BaseModel):
    name: str | None = Field(description="The street's name; null for an unnamed road")
    road_class: str = Field(description="avenue, street or lane (the simulated city); OSM's highway tag")
    one_way: bool = Field(description="Driven one way only, in the order of the line's points")


class StreetPublic(BaseModel):
    type: Literal["Feature"]
    geometry: LineStringPublic
    properties: StreetPropertiesPublic


class StreetsPublic(BaseModel):
    """A GeoJSON FeatureCollection: one LineString per stretch of a street between junctions."""

    type: Literal["FeatureCollection"]
    bbox: BBox
    features: list[StreetPublic]


class PolygonPublic(BaseModel):
    type: Literal["Polygon"]
    coordinates: list[list[Position]] = Field(
        min_length=1, description="The outer ring: closed, counter-clockwise"
    )


class DistrictPropertiesPublic(BaseModel):
    id: str
    name: str


class DistrictAreaPublic(BaseModel):
    type: Literal["Feature"]
    geometry: PolygonPublic
    properties: DistrictPropertiesPublic


class DistrictAreasPublic(BaseModel):
    """A GeoJSON FeatureCollection: one Polygon per district that lies on the map."""

    type: Literal["FeatureCollection"]
    bbox: BBox
    features: list[DistrictAreaPublic]


def get_basemap(request: Request) -> BaseMap:
    basemap: BaseMap = request.app.state.basemap
    return basemap


BaseMapDep = Annotated[BaseMap, Depends(get_basemap)]


@router.get(
    "/roads",
    response_model=StreetsPublic,
    description=f"The road network dispatch routes on (`KUZET_ROADS`), street by street. {GEOJSON_NOTE}",
)
def roads(_: CanSeeMap, basemap: BaseMapDep) -> Response:
    return Response(basemap.streets(), media_type="application/json")


@router.get(
    "/districts",
    response_model=DistrictAreasPublic,
    description=(
        "Each district's area: the places nearer its centre than any other district's, within the map. "
        f"{GEOJSON_NOTE}"
    ),
)
def districts(_: CanSeeMap, kuzet: KuzetDep, basemap: BaseMapDep) -> Response:
    with kuzet.uow() as uow:
        known = uow.districts.list()
    return Response(basemap.districts(known), media_type="application/json")
