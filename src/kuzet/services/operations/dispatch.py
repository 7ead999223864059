"""Which units to send: the available ones ranked by road travel time to the incident."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from kuzet.domain.operations.units import UnitKind, UnitStatus
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.operations.routing import RoadNetwork
from kuzet.services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Recommendation:
    unit_id: str
    call_sign: str
    kind: UnitKind
    eta_s: float
    straight_m: float
    route: tuple[tuple[float, float], ...] = ()  # (lon, lat) points of the road path the ETA was timed on


class DispatchAdvisor:
    def __init__(self, uow_factory: UnitOfWorkFactory, network: RoadNetwork) -> None:
        self._uow_factory = uow_factory
        self._network = network

    def recommend(
        self, incident_id: str, k: int = 3, kinds: Collection[UnitKind] | None = None
    ) -> list[Recommendation]:
        """Top ``k`` available units by ETA (units that cannot reach the place are left out)."""
        with self._uow_factory() as uow:
            incident = uow.incidents.get(incident_id)
            units = uow.units.list()
        if incident is None:
            raise NotFoundError(f"incident {incident_id!r} not found")
        if incident.position is None:
            raise ConflictError(f"incident {incident_id} has no position to route to")
        candidates = [
            u
            for u in units
            if u.status is UnitStatus.AVAILABLE and u.position is not None and (not kinds or u.kind in kinds)
        ]
        if not candidates:
            return []
        lats = np.array([u.position.lat for u in candidates if u.position])
        lons = np.array([u.position.lon for u in candidates if u.position])
        tree = self._network.tree_to(incident.position)
        etas = tree.times_from(lats, lons)
        order = [i for i in np.argsort(etas, kind="stable")[:k] if np.isfinite(etas[i])]
        target = incident.position
        return [
            Recommendation(
                unit_id=candidates[i].id,
                call_sign=candidates[i].call_sign,
                kind=candidates[i].kind,
                eta_s=float(etas[i]),
                straight_m=target.distance_m(position),
                route=tuple(tree.path(position)),
            )
            for i in order
            if (position := candidates[i].position) is not None
        ]
