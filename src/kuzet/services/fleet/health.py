"""Camera health: store each change of a camera's picture, alert the technical service, follow the fleet.

A non-ok condition raises an alert with the condition's camera offense code through the same path as
every other alert (folding, tenant ownership), and moves an in-service device to ``fault``; ``ok`` moves
a device in fault back to service. Devices not expected to work (planned outage, under repair, written
off, installed but not commissioned) have the change stored and raise no alert: that downtime is known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kuzet.domain.cameras.model import Camera
from kuzet.domain.fleet.availability import Availability, CameraDown, HealthRecord, Step, by_district, measure
from kuzet.domain.fleet.health import HealthCondition
from kuzet.domain.fleet.lifecycle import NOT_OWED, DeviceState, DeviceStatus
from kuzet.domain.fleet.messages import DeviceStateChanged, RecordCameraHealth
from kuzet.domain.messages import utc_now
from kuzet.domain.operations.alerts import Alert, Observation
from kuzet.domain.operations.messages import RaiseAlert
from kuzet.domain.users.model import TenantScope
from kuzet.errors import NotFoundError
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork

_EVERYTHING = TenantScope(None)
HEALTH_ACTOR = "system:health"
RaiseAlertHandler = Callable[[RaiseAlert, UnitOfWork], Handled]


@dataclass(frozen=True, slots=True)
class HealthOutcome:
    """What a recorded change led to: the alert raised (or folded into), the device's state after it."""

    alert: Alert | None
    device: DeviceStatus
    duplicate: bool = False


def current_status(uow: UnitOfWork, camera_id: str, at: datetime) -> DeviceStatus:
    """The stored lifecycle state, or in service (version 0) for a device never moved."""
    return uow.device_states.get(camera_id) or DeviceStatus(camera_id, DeviceState.IN_SERVICE, at)


def _follow(
    status: DeviceStatus, condition: HealthCondition, at: datetime, detail: str
) -> DeviceStatus | None:
    if condition is not HealthCondition.OK and status.state is DeviceState.IN_SERVICE:
        reason = f"{condition.value}: {detail}" if detail else condition.value
        return status.move_to(DeviceState.FAULT, at, reason)
    if condition is HealthCondition.OK and status.state is DeviceState.FAULT:
        return status.move_to(DeviceState.IN_SERVICE, at, "picture ok again")
    return None


def record_camera_health(
    command: RecordCameraHealth, uow: UnitOfWork, raise_alert: RaiseAlertHandler
) -> Handled:
    camera_id, condition = command.camera_id, command.condition
    target = f"camera:{camera_id}:health:{condition.value}"
    if uow.cameras.get(camera_id, _EVERYTHING) is None:
        raise NotFoundError(f"camera health: unknown camera {camera_id!r}")
    status = current_status(uow, camera_id, command.since)
    latest = uow.camera_health.latest(camera_id)
    if latest is not None and (latest.since, latest.condition) == (command.since, condition):
        return Handled(target, HealthOutcome(None, status, duplicate=True))  # a redelivered change
    uow.camera_health.add(
        HealthRecord(camera_id, condition, command.previous, command.since, command.detail, utc_now())
    )
    alert = None
    if condition.offense_code is not None and status.expects_frames:
        observation = Observation(
            code=condition.offense_code, at=command.since, camera_id=camera_id, detail=command.detail
        )
        raised = raise_alert(RaiseAlert(observation=observation), uow).value
        alert = raised if isinstance(raised, Alert) else None
    moved = _follow(status, condition, command.since, command.detail)
    if moved is not None:
        uow.device_states.save(moved, status.version)
        uow.emit(
            DeviceStateChanged(
                camera_id=camera_id,
                state=moved.state.value,
                previous=status.state.value,
                reason=moved.reason,
                by=HEALTH_ACTOR,
            )
        )
    return Handled(target, HealthOutcome(alert, moved or status))


# ---- queries --------------------------------------------------------------------------------------


def cameras_down_now(uow: UnitOfWork, scope: TenantScope, district_id: str | None = None) -> list[CameraDown]:
    """Cameras whose picture is not ok now: since when and why, longest down first."""
    return uow.camera_health.down_now(scope, district_id)


@dataclass(frozen=True, slots=True)
class UptimeReport:
    start: datetime
    end: datetime
    cameras: list[Availability]
    districts: list[Availability]


def uptime(
    uow: UnitOfWork,
    scope: TenantScope,
    start: datetime,
    end: datetime,
    *,
    camera_id: str | None = None,
    district_id: str | None = None,
    now: datetime | None = None,
) -> UptimeReport:
    """Share of owed time each camera's picture was ok in ``[start, end)`` (end capped at now), per district.

    Any non-ok condition counts as down; time in a planned outage or written off is not owed.
    """
    end = min(end, now or utc_now())
    if end <= start:
        return UptimeReport(start, end, [], [])
    cameras: list[Camera]
    if camera_id is not None:
        camera = uow.cameras.get(camera_id, scope)
        if camera is None:
            raise NotFoundError(f"camera {camera_id!r} not found")
        cameras = [camera]
    else:
        cameras = uow.cameras.list(scope, district_id)
    down: dict[str, list[Step]] = defaultdict(list)
    for record in uow.camera_health.in_window(start, end, scope, district_id, camera_id):
        down[record.camera_id].append(Step(record.since, record.condition is not HealthCondition.OK))
    not_owed: dict[str, list[Step]] = defaultdict(list)
    for status in uow.device_states.in_window(start, end, scope, district_id, camera_id):
        not_owed[status.camera_id].append(Step(status.since, status.state in NOT_OWED))
    per_camera = [
        measure(c.id, c.district_id, start, end, down=down[c.id], not_owed=not_owed[c.id]) for c in cameras
    ]
    return UptimeReport(start, end, per_camera, by_district(per_camera))
