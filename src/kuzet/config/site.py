"""The site file: a deployment's districts, tenants, cameras, zones and rules, in YAML.

Validated by nested pydantic models with ``extra="forbid"``; every error names the path of the bad key
(``cameras[3].kind``) and, for YAML syntax errors, the line and column.

Rules are the analytics rule plug-ins' own configs (``kuzet.vision.rules.registry.RuleConfig``), so a
rule's thresholds are validated by the rule that reads them; after validation every rule is built once
against its camera's zones and calibration, so a rule on a line that needs an area, a zone of another
camera or a classifier that is not configured is refused here, at load time, with the rule's path.

Example::

    timezone: Asia/Almaty
    analytics: {detector: {type: nanodet, threads: 1}, fps: 5}
    districts:
      - {id: almaly, name: Almaly, lat: 43.25, lon: 76.93}
    cameras:
      - {id: street-0001, name: Abay/Dostyk, kind: street, purpose: public_order,
         district: almaly, lat: 43.2501, lon: 76.9502, heading: 90}
    zones:
      - {id: crossing, camera: street-0001, points: [[0.1, 0.6], [0.9, 0.6], [0.9, 0.9], [0.1, 0.9]]}
    rules:
      - {type: loitering, id: crossing-loiter, zone: crossing, min_seconds: 120}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kuzet.domain.cameras.model import CAMERA_ID_PATTERN, Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory, OffenseTaxonomy, Priority
from kuzet.domain.users.model import Tenant, TenantKind
from kuzet.errors import ConfigError
from kuzet.vision.detectors.classifier import ClassifierConfig as ClassifierModelConfig
from kuzet.vision.detectors.nanodet import NanoDetConfig
from kuzet.vision.detectors.registry import DetectorConfig
from kuzet.vision.rules.base import CropClassifier, RuleConfigBase, RuleEnvironment
from kuzet.vision.rules.registry import RULE_TAGS, RuleConfig, build_rule
from kuzet.vision.zones import FrameSize, GroundCalibration, LineZone, PolygonZone


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


Point = tuple[float, float]


class CalibrationConfig(_Strict):
    """Four or more image points (fractions 0..1) and where they lie on the ground (metres)."""

    image_points: list[Point] = Field(min_length=4, description="Image coordinates, 0..1 of width and height")
    ground_points: list[Point] = Field(min_length=4, description="The same points on the ground, metres")


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
    analytics: bool = Field(True, description="Run the analytics pipeline on this camera's stream")
    calibration: CalibrationConfig | None = Field(
        None, description="Image → ground points for speeds in m/s (running, wrong-way)"
    )

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


class ZoneConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$", description="Zone id, unique in the site")
    camera: str = Field(description="Camera the zone is drawn on")
    kind: Literal["polygon", "line"] = Field("polygon", description="An area, or a directed line")
    points: list[Point] = Field(min_length=2, description="Image coordinates, 0..1 of width and height")


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


class AnalyticsConfig(_Strict):
    """How the ingest workers analyse their cameras."""

    detector: DetectorConfig = Field(default_factory=NanoDetConfig, description="Object detector backend")
    fps: float = Field(5.0, gt=0, le=30, description="Frames per second analysed per camera")
    classifiers: dict[str, ClassifierModelConfig] = Field(
        default_factory=dict, description="Crop classifier models by name, for classifier rules"
    )
    clip_before_s: float = Field(10.0, ge=0, description="Seconds of recording before a hit in its clip")
    clip_after_s: float = Field(20.0, gt=0, description="Seconds of recording after a hit in its clip")


class SiteConfig(_Strict):
    name: str = Field("Kuzet site", description="Name of the center")
    timezone: str = Field("Asia/Almaty", description="IANA time zone that rule schedules are read in")
    analytics: AnalyticsConfig = Field(default_factory=AnalyticsConfig, description="Video analytics")
    districts: list[DistrictConfig] = Field(default_factory=list, description="Districts of the city")
    tenants: list[TenantConfig] = Field(default_factory=list, description="Parties connected by agreement")
    cameras: list[CameraConfig] = Field(default_factory=list, description="Cameras")
    zones: list[ZoneConfig] = Field(default_factory=list, description="Zones and lines on camera images")
    rules: list[RuleConfig] = Field(default_factory=list, description="Offense rules on zones")
    offenses: OffensesConfig = Field(default_factory=OffensesConfig, description="Taxonomy customisation")

    def camera_rules(self, camera_id: str) -> list[RuleConfigBase]:
        """The rules that run on ``camera_id`` (named directly or through their zone), in file order."""
        zone_camera = {z.id: z.camera for z in self.zones}
        return [r for r in self.rules if (r.camera or zone_camera.get(r.zone or "")) == camera_id]

    def rule_environment(
        self, camera_id: str, frame_size: FrameSize, classifiers: Mapping[str, CropClassifier] | None = None
    ) -> RuleEnvironment:
        """The camera's zones and calibration in pixels of ``frame_size``; ValueError naming the key."""
        zones: dict[str, PolygonZone | LineZone] = {}
        for z in self.zones:
            if z.camera != camera_id:
                continue
            name = f"zones.{z.id}"
            zones[z.id] = (
                PolygonZone(z.points, frame_size, name=name)
                if z.kind == "polygon"
                else LineZone(z.points[0], z.points[1], frame_size, name=name)
            )
        camera = next((c for c in self.cameras if c.id == camera_id), None)
        calibration = None
        if camera is not None and camera.calibration is not None:
            c = camera.calibration
            where = f"cameras.{camera_id}.calibration"
            calibration = GroundCalibration(c.image_points, c.ground_points, frame_size, name=where)
        return RuleEnvironment(
            frame_size=frame_size,
            zones=zones,
            calibration=calibration,
            timezone=ZoneInfo(self.timezone),
            classifiers=dict(classifiers or {}),
        )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Almaty)") from None
        return name

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


_DETECTOR_CONFIGS: tuple[type[BaseModel], ...] = get_args(get_args(DetectorConfig)[0])
_DETECTOR_TAGS = frozenset(get_args(c.model_fields["type"].annotation)[0] for c in _DETECTOR_CONFIGS)
_UNION_TAGS = RULE_TAGS | _DETECTOR_TAGS
CHECK_FRAME: FrameSize = (1000, 1000)  # zones are fractions of the image: any size checks them


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _pydantic_errors(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        # Discriminated unions add the tag name to the path (rules[0].intrusion.zone); drop it.
        loc = tuple(p for p in err["loc"] if p not in _UNION_TAGS)
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
        if cam.calibration is not None:
            c = cam.calibration
            try:
                GroundCalibration(c.image_points, c.ground_points, CHECK_FRAME, name="calibration")
            except ValueError as exc:
                errors.append(f"cameras[{i}].{exc}")
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
    return errors + _duplicates([z.id for z in site.zones], "zones")


def rule_errors(site: SiteConfig) -> list[str]:
    """Each rule's camera and zone must agree, and the rule must build on its camera's zones."""
    errors = []
    cameras = {c.id for c in site.cameras}
    zones = {z.id: z for z in site.zones}
    seen: dict[tuple[str, str], int] = {}
    for i, rule in enumerate(site.rules):
        zone = zones.get(rule.zone) if rule.zone is not None else None
        if rule.zone is not None and zone is None:
            errors.append(f"rules[{i}].zone: unknown zone {rule.zone!r}")
            continue
        camera = rule.camera or (zone.camera if zone is not None else None)
        if camera is None:
            errors.append(f"rules[{i}].camera: a rule without a zone names the camera it runs on")
            continue
        if camera not in cameras:
            errors.append(f"rules[{i}].camera: unknown camera {camera!r}")
            continue
        if zone is not None and zone.camera != camera:
            errors.append(
                f"rules[{i}].zone: zone {zone.id!r} is drawn on camera {zone.camera!r}, not {camera!r}"
            )
            continue
        if seen.setdefault((camera, rule.id), i) != i:
            errors.append(f"rules[{i}].id: duplicate rule {rule.id!r} on camera {camera!r}")
            continue
        errors += _build_errors(site, i, rule, camera)
    return errors


class _NotLoaded:
    """Stands for a configured classifier while the site file is checked: rules are built, never run."""

    def classify(self, image_bgr: Any, boxes: Any) -> Any:
        raise RuntimeError("classifier models are loaded by the ingest worker, not by the site check")


def _build_errors(site: SiteConfig, i: int, rule: RuleConfigBase, camera: str) -> list[str]:
    stand_ins: dict[str, CropClassifier] = {name: _NotLoaded() for name in site.analytics.classifiers}
    try:
        build_rule(rule, site.rule_environment(camera, CHECK_FRAME, stand_ins))
    except ValueError as exc:  # the rule names its key as "rules.<id>.<field>"; give the position too
        if str(exc).startswith(("zones.", "cameras.")):
            return []  # a broken zone or calibration of the camera: already reported at its own key
        return [f"rules[{i}]: {exc}"]
    return []


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
        *rule_errors(site),
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
    return site_from_mapping({} if raw is None else raw, source, known_districts)


def site_from_mapping(
    raw: object, source: str = "<site>", known_districts: set[str] | None = None
) -> SiteConfig:
    """Validate a site given as data (parsed YAML, or built in code) with every cross-check."""
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
