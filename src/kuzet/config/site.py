"""The site file: a deployment's districts, tenants, cameras, zones and rules, in YAML.

Validated by nested pydantic models with ``extra="forbid"``; every error names the path of the bad key
(``cameras[3].kind``) and, for YAML syntax errors, the line and column.

Example::

    districts:
      - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
    cameras:
      - {id: street-0001, name: Abay/Dostyk, kind: street, purpose: public_order,
         district: almaly, lat: 43.2501, lon: 76.9502, heading: 90}
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kuzet.domain.cameras import CAMERA_ID_PATTERN, Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory, OffenseTaxonomy, Priority
from kuzet.domain.users import Tenant, TenantKind
from kuzet.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Latitude = Annotated[float, Field(ge=-90, le=90, description="WGS-84 latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="WGS-84 longitude, degrees")]


class DistrictConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Short id used by cameras and units")
    name: str = Field(min_length=1, description="Display name")
    lat: Latitude
    lon: Longitude

    def to_domain(self) -> District:
        return District(id=self.id, name=self.name, center=GeoPoint(self.lat, self.lon))


class TenantConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Short id of the connected party")
    name: str = Field(min_length=1, description="Display name")
    kind: TenantKind = Field(description="shop, school, business, district or residential")
    allowed_categories: list[OffenseCategory] = Field(
        default_factory=list, description="Alert categories the agreement lets this tenant see"
    )

    def to_domain(self) -> Tenant:
        return Tenant(self.id, self.name, self.kind, frozenset(self.allowed_categories))


class CameraConfig(_Strict):
    id: str = Field(pattern=CAMERA_ID_PATTERN.pattern, description="Unique camera id")
    name: str = Field(min_length=1, description="Display name, usually the address")
    kind: CameraKind = Field(description="Camera kind (see DOMAIN.md)")
    purpose: CameraPurpose = Field(description="Why the camera exists")
    district: str = Field(description="Id of a district in this file or already stored")
    owner_tenant: str | None = Field(None, description="Tenant that connected the camera by agreement")
    lat: Latitude | None = None
    lon: Longitude | None = None
    heading: float | None = Field(None, ge=0, lt=360, description="Viewing direction, degrees from north")
    stream_url: str | None = Field(None, description="Main stream: rtsp://, rtsps://, http(s):// or a file")
    sub_stream_url: str | None = Field(None, description="Low-resolution stream for analytics")
    enabled: bool = Field(True, description="Disabled cameras are kept but not ingested")

    def to_domain(self) -> Camera:
        position = GeoPoint(self.lat, self.lon) if self.lat is not None and self.lon is not None else None
        return Camera(
            id=self.id,
            name=self.name,
            kind=self.kind,
            purpose=self.purpose,
            district_id=self.district,
            owner_tenant_id=self.owner_tenant,
            position=position,
            heading_deg=self.heading,
            stream_url=self.stream_url,
            sub_stream_url=self.sub_stream_url,
            enabled=self.enabled,
        )


Point = tuple[float, float]


class ZoneConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Zone id, unique per camera")
    camera: str = Field(description="Camera the zone is drawn on")
    kind: Literal["polygon", "line"] = Field("polygon", description="An area, or a directed line")
    points: list[Point] = Field(min_length=2, description="Image coordinates, 0..1 of width and height")


class _RuleBase(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Rule id")
    zone: str = Field(description="Zone the rule watches")
    schedule: str | None = Field(None, description="When the rule is active, e.g. '08:00-18:00'")


class IntrusionRule(_RuleBase):
    type: Literal["intrusion"]
    classes: list[str] = Field(default_factory=lambda: ["person"], description="Object classes")


class LineCrossingRule(_RuleBase):
    type: Literal["line_crossing"]
    direction: Literal["in", "out", "both"] = Field("both", description="Which crossing direction counts")


class LoiteringRule(_RuleBase):
    type: Literal["loitering"]
    min_seconds: float = Field(60, gt=0, description="Dwell time that counts as loitering")


class CrowdRule(_RuleBase):
    type: Literal["crowd"]
    min_people: int = Field(10, ge=2, description="People in the zone that count as a crowd")


RuleConfig = Annotated[
    IntrusionRule | LineCrossingRule | LoiteringRule | CrowdRule, Field(discriminator="type")
]


class OffensesConfig(_Strict):
    legal_articles: dict[str, str] = Field(default_factory=dict, description="Offense code → legal article")
    priorities: dict[str, Priority] = Field(default_factory=dict, description="Offense code → priority 1..5")
    procedures: dict[str, list[str]] = Field(
        default_factory=dict, description="Offense code → standard operating procedure, one step per item"
    )
    municipal_services: dict[str, str] = Field(
        default_factory=dict, description="Infrastructure code → the service its tickets go to"
    )
    ticket_hours: dict[str, float] = Field(
        default_factory=dict, description="Infrastructure code → hours the service has to fix it"
    )


class SiteConfig(_Strict):
    name: str = Field("Kuzet site", description="Name of the center")
    districts: list[DistrictConfig] = Field(default_factory=list, description="Districts of the city")
    tenants: list[TenantConfig] = Field(default_factory=list, description="Parties connected by agreement")
    cameras: list[CameraConfig] = Field(default_factory=list, description="Cameras")
    zones: list[ZoneConfig] = Field(default_factory=list, description="Zones and lines on camera images")
    rules: list[RuleConfig] = Field(default_factory=list, description="Offense rules on zones")
    offenses: OffensesConfig = Field(default_factory=OffensesConfig, description="Taxonomy customisation")

    def taxonomy(self) -> OffenseTaxonomy:
        return OffenseTaxonomy.default().customised(self.offenses.legal_articles, self.offenses.priorities)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a mapping with the same key twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _pydantic_errors(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        # Discriminated unions add the tag name to the path (rules[0].intrusion.zone); drop it.
        loc = tuple(p for p in err["loc"] if p not in {"intrusion", "line_crossing", "loitering", "crowd"})
        lines.append(f"{_loc(loc)}: {err['msg']}")
    return lines


def _duplicates(ids: list[str], section: str) -> list[str]:
    counts = Counter(ids)
    return [
        f"{section}[{i}].id: duplicate id {value!r} (also at {section}[{ids.index(value)}])"
        for i, value in enumerate(ids)
        if counts[value] > 1 and ids.index(value) != i
    ]


def _camera_errors(site: SiteConfig, known_districts: set[str]) -> list[str]:
    errors = []
    districts = known_districts | {d.id for d in site.districts}
    tenants = {t.id for t in site.tenants}
    for i, cam in enumerate(site.cameras):
        if cam.district not in districts:
            errors.append(f"cameras[{i}].district: unknown district {cam.district!r}")
        if cam.owner_tenant is not None and cam.owner_tenant not in tenants:
            errors.append(f"cameras[{i}].owner_tenant: unknown tenant {cam.owner_tenant!r}")
        if (cam.lat is None) != (cam.lon is None):
            errors.append(f"cameras[{i}]: give both lat and lon, or neither")
        elif cam.lat is None and not cam.kind.is_mobile:
            errors.append(f"cameras[{i}]: a fixed {cam.kind.value} camera needs lat and lon")
    return errors


def _zone_errors(site: SiteConfig) -> list[str]:
    errors = []
    cameras = {c.id for c in site.cameras}
    for i, zone in enumerate(site.zones):
        if zone.camera not in cameras:
            errors.append(f"zones[{i}].camera: unknown camera {zone.camera!r}")
        if any(not (0 <= x <= 1 and 0 <= y <= 1) for x, y in zone.points):
            errors.append(f"zones[{i}].points: coordinates must lie within 0..1 (fractions of the image)")
        if zone.kind == "polygon" and len(zone.points) < 3:
            errors.append(f"zones[{i}].points: a polygon needs at least 3 points")
        if zone.kind == "line" and len(zone.points) != 2:
            errors.append(f"zones[{i}].points: a line has exactly 2 points")
    zones = {z.id for z in site.zones}
    errors += [
        f"rules[{i}].zone: unknown zone {rule.zone!r}"
        for i, rule in enumerate(site.rules)
        if rule.zone not in zones
    ]
    return errors


def _offense_errors(site: SiteConfig) -> list[str]:
    codes = {o.code for o in OffenseTaxonomy.default()}
    return [
        f"offenses.{section}.{code}: unknown offense code {code!r}"
        for section in ("legal_articles", "priorities", "procedures", "municipal_services", "ticket_hours")
        for code in getattr(site.offenses, section)
        if code not in codes
    ]


def _cross_reference_errors(site: SiteConfig, known_districts: set[str]) -> list[str]:
    return [
        *_duplicates([d.id for d in site.districts], "districts"),
        *_duplicates([t.id for t in site.tenants], "tenants"),
        *_duplicates([c.id for c in site.cameras], "cameras"),
        *_camera_errors(site, known_districts),
        *_zone_errors(site),
        *_offense_errors(site),
    ]


def parse_site(text: str, source: str = "<site>", known_districts: set[str] | None = None) -> SiteConfig:
    """Parse and validate a site file's text; raise ConfigError listing every problem with its path."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise ConfigError(f"{source}: not valid YAML at {where}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections, not {type(raw).__name__}")
    try:
        site = SiteConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format(source, _pydantic_errors(exc))) from None
    errors = _cross_reference_errors(site, known_districts or set())
    if errors:
        raise ConfigError(_format(source, errors))
    return site


def load_site(path: Path, known_districts: set[str] | None = None) -> SiteConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: site file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the site file: {exc}") from None
    return parse_site(text, str(path), known_districts)


def _format(source: str, errors: list[str]) -> str:
    noun = "error" if len(errors) == 1 else "errors"
    return f"{source}: {len(errors)} {noun}:\n  " + "\n  ".join(errors)
