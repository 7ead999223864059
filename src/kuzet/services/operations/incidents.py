"""Incidents: open (from alerts, calls or SOS), move through their states, add notes, dispatch units."""

from __future__ import annotations

import math
from dataclasses import replace
from uuid import uuid4

import numpy as np

from kuzet.domain.cameras.model import Camera
from kuzet.domain.geo import EARTH_RADIUS_M, GeoPoint
from kuzet.domain.messages import utc_now
from kuzet.domain.offenses import OffenseTaxonomy, Priority
from kuzet.domain.operations.alerts import AlertStatus
from kuzet.domain.operations.incidents import Incident, IncidentState
from kuzet.domain.operations.messages import (
    AddIncidentNote,
    ChangeIncidentState,
    DispatchUnits,
    IncidentOpened,
    IncidentStateChanged,
    OpenIncident,
    UnitsDispatched,
    UnitStatusChanged,
)
from kuzet.domain.operations.units import UnitStatus
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.messagebus import Handled
from kuzet.services.operations.routing import RoadNetwork
from kuzet.services.ports import UnitOfWork

_EVERYTHING = TenantScope(None)
NEAREST_CAMERAS = 5
NEAREST_WITHIN_M = 1_000.0
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


def nearest_cameras(
    cameras: list[Camera], point: GeoPoint, count: int = NEAREST_CAMERAS, within_m: float = NEAREST_WITHIN_M
) -> tuple[str, ...]:
    """The fixed cameras closest to a point and within ``within_m`` (equirectangular, vectorised)."""
    placed = [c for c in cameras if c.position is not None and c.enabled]
    if not placed:
        return ()
    lats = np.array([c.position.lat for c in placed if c.position])
    lons = np.array([c.position.lon for c in placed if c.position])
    dx = (lons - point.lon) * np.cos(np.radians(point.lat)) * METRES_PER_DEGREE
    dy = (lats - point.lat) * METRES_PER_DEGREE
    distance = np.hypot(dx, dy)
    order = [i for i in np.argsort(distance)[:count] if distance[i] <= within_m]
    return tuple(placed[i].id for i in order)


def open_incident_record(
    uow: UnitOfWork,
    code: str,
    priority: Priority,
    position: GeoPoint | None,
    *,
    summary: str,
    by: str,
    parent_id: str | None = None,
    tenant_id: str | None = None,
    alert_ids: tuple[str, ...] = (),
) -> Incident:
    """Store a new incident and announce it with the cameras nearest to it."""
    if parent_id is not None and uow.incidents.get(parent_id) is None:
        raise NotFoundError(f"parent incident {parent_id!r} not found")
    incident = Incident(
        id=f"in-{uuid4().hex[:12]}",
        code=code,
        priority=priority,
        position=position,
        created_at=utc_now(),
        created_by=by,
        summary=summary,
        parent_id=parent_id,
        tenant_id=tenant_id,
    )
    uow.incidents.add(incident)
    cameras = nearest_cameras(uow.cameras.list(_EVERYTHING), position) if position else ()
    uow.emit(
        IncidentOpened(
            incident_id=incident.id,
            code=code,
            priority=int(priority),
            lat=position.lat if position else None,
            lon=position.lon if position else None,
            tenant_id=tenant_id,
            nearest_camera_ids=cameras,
            alert_ids=alert_ids,
        )
    )
    return incident


def open_incident(command: OpenIncident, uow: UnitOfWork, taxonomy: OffenseTaxonomy) -> Handled:
    alerts = [uow.alerts.get(a) for a in command.alert_ids]
    if missing := [a for a, found in zip(command.alert_ids, alerts, strict=True) if found is None]:
        raise NotFoundError(f"alerts not found: {', '.join(missing)}")
    linked = [a for a in alerts if a is not None]
    priority = min((a.priority for a in linked), default=taxonomy[command.code].default_priority)
    position = command.position or next((a.position for a in linked if a.position), None)
    tenant = next((a.tenant_id for a in linked if a.tenant_id), None)
    incident = open_incident_record(
        uow,
        command.code,
        priority,
        position,
        summary=command.summary,
        by=command.by,
        parent_id=command.parent_id,
        tenant_id=tenant,
        alert_ids=tuple(a.id for a in linked),
    )
    for alert in linked:
        uow.alerts.update(
            replace(
                alert, status=AlertStatus.IN_INCIDENT, incident_id=incident.id, version=alert.version + 1
            ),
            alert.version,
        )
    return Handled(f"incident:{incident.id}", value=incident)


def _incident(uow: UnitOfWork, incident_id: str) -> Incident:
    incident = uow.incidents.get(incident_id)
    if incident is None:
        raise NotFoundError(f"incident {incident_id!r} not found")
    return incident


def change_incident_state(command: ChangeIncidentState, uow: UnitOfWork) -> Handled:
    incident = _incident(uow, command.incident_id)
    moved = incident.transition(command.to, command.expected_version, utc_now(), command.closure)
    uow.incidents.update(moved, incident.version)
    if moved.state in {IncidentState.RESOLVED, IncidentState.CLOSED}:
        for unit_id in moved.unit_ids:
            _set_unit_status(uow, unit_id, UnitStatus.AVAILABLE)
    uow.emit(
        IncidentStateChanged(
            incident_id=moved.id,
            code=moved.code,
            state=moved.state.value,
            previous=incident.state.value,
            by=command.by,
            tenant_id=moved.tenant_id,
        )
    )
    return Handled(f"incident:{moved.id}:{moved.state.value}", value=moved)


def add_incident_note(command: AddIncidentNote, uow: UnitOfWork) -> Handled:
    incident = _incident(uow, command.incident_id)
    if not command.text.strip():
        raise ConflictError("a note needs text")
    uow.incidents.add_note(incident.id, command.by, command.text.strip(), utc_now())
    return Handled(f"incident:{incident.id}:note")


def _set_unit_status(uow: UnitOfWork, unit_id: str, status: UnitStatus) -> None:
    unit = uow.units.get(unit_id)
    if unit is not None and unit.status is not status:
        uow.unit_tracking.set_status(unit_id, status)
        uow.emit(UnitStatusChanged(unit_id=unit_id, status=status.value, previous=unit.status.value))


def dispatch_units(command: DispatchUnits, uow: UnitOfWork, network: RoadNetwork | None) -> Handled:
    incident = _incident(uow, command.incident_id)
    if not command.unit_ids:
        raise ConflictError("choose at least one unit to dispatch")
    units = [uow.units.get(u) for u in command.unit_ids]
    if missing := [u for u, found in zip(command.unit_ids, units, strict=True) if found is None]:
        raise NotFoundError(f"unknown units: {', '.join(missing)}")
    if busy := [u.id for u in units if u is not None and u.status is not UnitStatus.AVAILABLE]:
        raise ConflictError(f"units not available: {', '.join(busy)}")
    now = utc_now()
    moved = incident
    if incident.state is IncidentState.NEW:
        moved = incident.transition(IncidentState.DISPATCHED, command.expected_version, now)
    elif incident.version != command.expected_version:
        moved = incident.transition(incident.state, command.expected_version, now)  # raises: stale
    moved = moved.with_units(command.unit_ids, now)
    uow.incidents.update(moved, incident.version)
    for unit_id in command.unit_ids:
        _set_unit_status(uow, unit_id, UnitStatus.DISPATCHED)
    etas = _etas(network, incident.position, [u.position for u in units if u is not None])
    uow.emit(
        UnitsDispatched(
            incident_id=incident.id,
            unit_ids=command.unit_ids,
            code=incident.code,
            lat=incident.position.lat if incident.position else None,
            lon=incident.position.lon if incident.position else None,
            eta_s=etas,
        )
    )
    return Handled(f"incident:{incident.id}:dispatch:{','.join(command.unit_ids)}", value=moved)


def _etas(
    network: RoadNetwork | None, target: GeoPoint | None, origins: list[GeoPoint | None]
) -> tuple[float, ...]:
    if network is None or target is None or any(o is None for o in origins):
        return tuple(-1.0 for _ in origins)
    times = network.times_to(target, [o for o in origins if o is not None])
    return tuple(float(t) if np.isfinite(t) else -1.0 for t in times)
