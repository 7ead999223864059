"""Cameras and districts: what the center watches with and where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kuzet.domain.geo import GeoPoint

CAMERA_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class CameraKind(StrEnum):
    """The kinds of camera a center connects (see DOMAIN.md)."""

    STREET = "street"
    PTZ = "ptz"
    ENTRANCE = "entrance"
    COURTYARD = "courtyard"
    SCHOOL = "school"
    SHOP = "shop"
    BODY_CAM = "body_cam"
    DRONE = "drone"
    MOBILE_ENFORCEMENT = "mobile_enforcement"
    TRAFFIC_POST = "traffic_post"

    @property
    def is_mobile(self) -> bool:
        """Mobile cameras have no fixed position or heading."""
        return self in {CameraKind.BODY_CAM, CameraKind.DRONE, CameraKind.MOBILE_ENFORCEMENT}


class CameraPurpose(StrEnum):
    """Why a camera exists; governance requires every camera to state one."""

    PUBLIC_ORDER = "public_order"
    TRAFFIC_ENFORCEMENT = "traffic_enforcement"
    BUILDING_SECURITY = "building_security"
    SCHOOL_SAFETY = "school_safety"
    RETAIL_SECURITY = "retail_security"
    PATROL_EVIDENCE = "patrol_evidence"
    AERIAL_OVERVIEW = "aerial_overview"


def validate_camera_id(camera_id: str) -> str:
    """Return the id if it is a valid camera id, else raise ValueError naming the rule."""
    if not CAMERA_ID_PATTERN.match(camera_id):
        raise ValueError(
            f"camera id {camera_id!r} must be 1-64 characters of a-z, 0-9, '_', '.', '-' "
            "and start with a letter or digit"
        )
    return camera_id


@dataclass(frozen=True, slots=True)
class District:
    """An administrative district of the city, watched by a district mini-center."""

    id: str
    name: str
    center: GeoPoint


@dataclass(frozen=True, slots=True)
class Camera:
    """One camera device as the center knows it.

    >>> Camera(id="st-001", name="Abay/Dostyk", kind=CameraKind.STREET,
    ...        purpose=CameraPurpose.PUBLIC_ORDER, district_id="almaly").is_tenant_owned
    False
    """

    id: str
    name: str
    kind: CameraKind
    purpose: CameraPurpose
    district_id: str
    owner_tenant_id: str | None = None
    position: GeoPoint | None = None
    heading_deg: float | None = None
    stream_url: str | None = None
    sub_stream_url: str | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        validate_camera_id(self.id)
        if self.heading_deg is not None and not 0.0 <= self.heading_deg < 360.0:
            raise ValueError(f"camera {self.id}: heading {self.heading_deg} is outside 0..360")
        if self.position is None and not self.kind.is_mobile:
            raise ValueError(f"camera {self.id}: a fixed {self.kind.value} camera needs a position")

    @property
    def is_tenant_owned(self) -> bool:
        """True when a shop, school or other tenant connected this camera by agreement."""
        return self.owner_tenant_id is not None
