from __future__ import annotations

import pytest

from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose
from kuzet.domain.geo import GeoPoint
from kuzet.domain.users.model import ROLE_PERMISSIONS, Permission, Role, User


def test_fixed_camera_needs_a_position_mobile_does_not() -> None:
    with pytest.raises(ValueError, match="needs a position"):
        Camera(
            id="street-1",
            name="x",
            kind=CameraKind.STREET,
            purpose=CameraPurpose.PUBLIC_ORDER,
            district_id="almaly",
        )
    cam = Camera(
        id="body-1",
        name="x",
        kind=CameraKind.BODY_CAM,
        purpose=CameraPurpose.PATROL_EVIDENCE,
        district_id="almaly",
    )
    assert cam.position is None


@pytest.mark.parametrize("bad_id", ["", "Street-1", "a b", "-lead", "x" * 65, "cam/1"])
def test_bad_camera_ids_are_refused(bad_id: str) -> None:
    with pytest.raises(ValueError, match="camera id"):
        Camera(
            id=bad_id,
            name="x",
            kind=CameraKind.DRONE,
            purpose=CameraPurpose.AERIAL_OVERVIEW,
            district_id="almaly",
        )


def test_heading_must_be_a_compass_angle() -> None:
    with pytest.raises(ValueError, match="heading"):
        Camera(
            id="ptz-1",
            name="x",
            kind=CameraKind.PTZ,
            purpose=CameraPurpose.PUBLIC_ORDER,
            district_id="almaly",
            position=GeoPoint(43.25, 76.94),
            heading_deg=360.0,
        )


def test_geo_point_checks_ranges_and_measures_distance() -> None:
    with pytest.raises(ValueError, match="latitude"):
        GeoPoint(91, 0)
    # One degree of latitude is about 111.2 km.
    assert GeoPoint(43, 76).distance_m(GeoPoint(44, 76)) == pytest.approx(111_195, rel=1e-3)


def test_tenant_viewer_must_have_a_tenant_and_sees_little() -> None:
    with pytest.raises(ValueError, match="tenant"):
        User("shopkeeper", Role.TENANT_VIEWER)
    viewer = User("shopkeeper", Role.TENANT_VIEWER, tenant_id="magnum-1")
    assert viewer.can(Permission.CAMERAS_READ)
    assert not viewer.can(Permission.AUDIT_READ)
    assert not viewer.can(Permission.CAMERAS_WRITE)


def test_roles_separate_duties() -> None:
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert Permission.AUDIT_READ in ROLE_PERMISSIONS[Role.AUDITOR]
    assert Permission.CAMERAS_READ not in ROLE_PERMISSIONS[Role.AUDITOR]
    assert Permission.USERS_WRITE not in ROLE_PERMISSIONS[Role.SUPERVISOR]
    assert not User("retired", Role.ADMIN, active=False).can(Permission.CAMERAS_READ)
