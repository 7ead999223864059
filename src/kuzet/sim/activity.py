"""A living city for the demo: patrols drive, citizens call, cameras flag offenses, the duty operator acts.

Everything goes through the same commands the API and MQTT use, so the demo exercises the real router,
incidents, dispatch and live feed. Deterministic for a seed, except for wall-clock timing.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from kuzet.domain.geo import GeoPoint
from kuzet.domain.messages import Command, utc_now
from kuzet.domain.operations.alerts import Observation
from kuzet.domain.operations.field import CitizenCall
from kuzet.domain.operations.incidents import Incident, IncidentState
from kuzet.domain.operations.messages import (
    ChangeIncidentState,
    DispatchUnits,
    RaiseAlert,
    ReportUnitPosition,
    TakeCitizenCall,
)
from kuzet.domain.operations.units import PatrolUnit
from kuzet.errors import KuzetError
from kuzet.services.context import Actor
from kuzet.services.messagebus import MessageBus
from kuzet.services.operations.dispatch import DispatchAdvisor

log = logging.getLogger(__name__)
CAMERA_CODES = (
    "fight",
    "crowd",
    "loitering",
    "illegal_parking",
    "wrong_way",
    "abandoned_object",
    "intrusion",
    "streetlight_out",
    "person_down",
    "bag_snatch",
)
CALL_CODES = ("citizen_report", "bag_snatch", "fight", "harassment", "vandalism")
SIM = Actor("sim:city")
DUTY = Actor("sim:duty-operator")


@dataclass
class _Route:
    nodes: list[Any]
    step: int = 0


@dataclass
class CityActivity:
    messagebus: MessageBus
    advisor: DispatchAdvisor
    graph: Any
    units: Sequence[PatrolUnit]
    camera_ids: Sequence[str]
    seed: int = 7
    tick_s: float = 1.0
    call_every_ticks: int = 20
    alert_every_ticks: int = 7
    _rng: random.Random = field(init=False)
    _routes: dict[str, _Route] = field(init=False, default_factory=dict)
    _nodes: list[Any] = field(init=False, default_factory=list)
    _to_resolve: list[tuple[float, Incident]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._nodes = list(self.graph.nodes)

    def _handle(self, command: Command, actor: Actor) -> object:
        try:
            return self.messagebus.handle(command, actor)
        except (KuzetError, ValueError) as exc:  # a busy unit or a stale incident: the city goes on
            log.debug("sim command refused: %s", exc)
            return None

    def _position(self, node: Any) -> GeoPoint:
        data = self.graph.nodes[node]
        return GeoPoint(data["lat"], data["lon"])

    def _drive(self, tick: int) -> None:
        now = utc_now()
        for unit in self.units:
            route = self._routes.get(unit.id)
            if route is None or route.step >= len(route.nodes) - 1:
                start = route.nodes[-1] if route else self._rng.choice(self._nodes)
                goal = self._rng.choice(self._nodes)
                route = _Route(nx.shortest_path(self.graph, start, goal, weight="travel_s"))
                self._routes[unit.id] = route
            route.step += 1
            position = self._position(route.nodes[route.step])
            self._handle(
                ReportUnitPosition(unit_id=unit.id, position=position, at=now + timedelta(microseconds=tick)),
                SIM,
            )

    def _citizen_call(self) -> None:
        place = self._position(self._rng.choice(self._nodes))
        call = CitizenCall(
            caller_name=self._rng.choice(("Aigerim", "Nurlan", "Dana", "Yerlan", "Madina")),
            caller_phone=f"+7 70{self._rng.randint(0, 9)} {self._rng.randint(1_000_000, 9_999_999)}",
            category=self._rng.choice(CALL_CODES),
            position=place,
            address="near the caller",
            description="reported by phone to the duty unit",
            received_at=utc_now(),
        )
        incident = self._handle(TakeCitizenCall(by=DUTY.name, call=call), DUTY)
        if isinstance(incident, Incident):
            self._dispatch(incident)

    def _camera_alert(self) -> None:
        observation = Observation(
            self._rng.choice(CAMERA_CODES),
            utc_now(),
            camera_id=self._rng.choice(self.camera_ids),
            track_id=self._rng.randint(1, 10_000),
            confidence=0.9,
        )
        self._handle(RaiseAlert(observation=observation), SIM)

    def _dispatch(self, incident: Incident) -> None:
        try:
            best = self.advisor.recommend(incident.id, k=1)
        except KuzetError:
            return
        if best:
            send = DispatchUnits(
                by=DUTY.name,
                incident_id=incident.id,
                unit_ids=(best[0].unit_id,),
                expected_version=incident.version,
            )
            dispatched = self._handle(send, DUTY)
            if isinstance(dispatched, Incident):
                self._resolve_later(dispatched)

    def _resolve_later(self, incident: Incident) -> None:
        due = time.monotonic() + self._rng.uniform(20, 60)
        self._to_resolve.append((due, incident))

    def _resolve_due(self) -> None:
        now = time.monotonic()
        due, self._to_resolve = (
            [(t, i) for t, i in self._to_resolve if t <= now],
            [(t, i) for t, i in self._to_resolve if t > now],
        )
        for _, incident in due:
            change = ChangeIncidentState(
                by=DUTY.name,
                incident_id=incident.id,
                to=IncidentState.RESOLVED,
                expected_version=incident.version,
            )
            self._handle(change, DUTY)

    def _tick(self, tick: int) -> None:
        self._drive(tick)
        if tick % self.alert_every_ticks == 0:
            self._camera_alert()
        if tick % self.call_every_ticks == 0:
            self._citizen_call()
        self._resolve_due()

    async def run(self) -> None:
        tick = 0
        while True:
            tick += 1
            try:
                await asyncio.to_thread(self._tick, tick)
            except Exception:  # the demo city must keep living through one bad tick
                log.exception("simulated city tick %d failed", tick)
            await asyncio.sleep(self.tick_s)
