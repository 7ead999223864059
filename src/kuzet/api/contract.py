"""What the OpenAPI document promises beyond the models: this deployment's values, links, time ranges.

Request types that accept what the document says and nothing else: ``Integer`` and ``Instant`` (pydantic's
lax mode would take ``true`` for 1 and a Unix time for a date-time), strict ``Latitude``/``Longitude``.

Some rules depend on the deployment, not the code: the offense codes come from the site's taxonomy and
the map from its road network. Request models mark such fields (``OFFENSE_CODE``, ``Latitude``,
``Longitude``) and ``deployment_openapi`` fills the marks in with this deployment's values, so the
document states the same rule the route enforces (``check_on_map``, the taxonomy check). A rule no JSON
Schema can state (an end after a start) is in the route's description (``time_range_rule``) and its
refusal names the fields (``InvalidRequestError``).

Links (``link``) tell a client, and a stateful tester, which response value feeds which next request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import AwareDatetime, BeforeValidator, Field

from kuzet.api.errors import InvalidRequestError
from kuzet.bootstrap import Kuzet
from kuzet.domain.geo import GeoBounds, GeoPoint

_BOUNDS_MARK, _ENUM_MARK = "x-kuzet-bounds", "x-kuzet-enum"
# On a route's ``openapi_extra``: its form refuses fields it does not define (additionalProperties: false).
CLOSED_FORM = "x-kuzet-closed-form"
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _json_integer(value: object) -> object:
    # JSON's integers (1 and 1.0 alike), never a boolean or a numeric string.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a valid integer")
    return value


def _date_time(value: object) -> object:
    # RFC 3339 text, as the document's "date-time" format says; not a Unix time nor a bare date.
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise ValueError("Input should be a date-time with a time zone, e.g. 2026-01-03T10:00:00+05:00")


# The request types of the document's "integer" and "date-time" (pydantic's lax mode takes more).
JSON_INTEGER = BeforeValidator(_json_integer)  # last in an ``Annotated`` that has constraints
Integer = Annotated[int, JSON_INTEGER]
Instant = Annotated[AwareDatetime, BeforeValidator(_date_time)]

# A number, never a boolean or a numeric string; ``lat``/``lon`` are within the deployment's map.
Latitude = Annotated[
    float,
    Field(
        ge=-90,
        le=90,
        strict=True,
        description="Latitude, within the map",
        json_schema_extra={_BOUNDS_MARK: "lat"},
    ),
]
Longitude = Annotated[
    float,
    Field(
        ge=-180,
        le=180,
        strict=True,
        description="Longitude, within the map",
        json_schema_extra={_BOUNDS_MARK: "lon"},
    ),
]
OFFENSE_CODE: dict[str, Any] = {_ENUM_MARK: "offense_codes"}
# A stated reason: at least one character that is not a space (the services refuse a blank one).
NOT_BLANK: dict[str, Any] = {"pattern": r"\S"}

TIME_RANGE_RULE = "`end` must be after `start`"


def time_range_rule(max_span: str | None = None) -> str:
    """The sentence a route's description carries for the range rule its schema cannot state."""
    return f"{TIME_RANGE_RULE}{f', and the range may span at most {max_span}' if max_span else ''}."


def check_on_map(kuzet: Kuzet, point: GeoPoint, where: str = "body") -> None:
    """Refuse a position outside the deployment's map, as the document's minimum/maximum say."""
    bounds = kuzet.operations.field_policy.bounds
    if bounds is None:
        return
    fields = []
    if not bounds.min_lat <= point.lat <= bounds.max_lat:
        fields.append((where, "lat"))
    if not bounds.min_lon <= point.lon <= bounds.max_lon:
        fields.append((where, "lon"))
    if fields:
        raise InvalidRequestError(
            f"{point.lat:.5f}, {point.lon:.5f} is outside the map "
            f"({bounds.min_lat:.5f}..{bounds.max_lat:.5f}, {bounds.min_lon:.5f}..{bounds.max_lon:.5f})",
            *fields,
        )


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1").replace("{", "%7B").replace("}", "%7D")


def link(method: str, path: str, description: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to ``method path``; ``parameters`` map its parameters to runtime expressions."""
    return {
        "operationRef": f"#/paths/{_pointer(path)}/{method.lower()}",
        "description": description,
        "parameters": parameters,
    }


def links(**named: dict[str, Any]) -> dict[str, Any]:
    return {"links": named}


def _fill(node: Any, bounds: GeoBounds | None, codes: list[str]) -> None:
    if isinstance(node, dict):
        axis = node.pop(_BOUNDS_MARK, None)
        if axis is not None and bounds is not None:
            lo, hi = (bounds.min_lat, bounds.max_lat) if axis == "lat" else (bounds.min_lon, bounds.max_lon)
            node["minimum"], node["maximum"] = lo, hi
        if node.pop(_ENUM_MARK, None) is not None:
            node["enum"] = codes
        for value in node.values():
            _fill(value, bounds, codes)
    elif isinstance(node, list):
        for value in node:
            _fill(value, bounds, codes)


def _close_forms(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if operation.pop(CLOSED_FORM, None):
                for content in operation["requestBody"]["content"].values():
                    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
                    components[name]["additionalProperties"] = False


def deployment_openapi(app: FastAPI, kuzet: Kuzet) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` with the marks filled in with this deployment's map and offense codes."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            codes: Iterable[str] = (o.code for o in kuzet.taxonomy)
            schema = FastAPI.openapi(app)
            _fill(schema, kuzet.operations.field_policy.bounds, sorted(codes))
            _close_forms(schema)
        assert app.openapi_schema is not None
        return app.openapi_schema

    return openapi
