"""A whole simulated city: Almaty's districts, tenants, cameras and patrol units on a road grid.

The demo, the dispatch and analytics tests and the load runs need a city's worth of consistent data
(every fixed camera inside a district and next to a road, every unit on a road it can drive from,
tenant cameras owned by tenants that exist) without real data, and they need the same city on every
run. So everything is drawn from numpy generators seeded by one integer, one independent stream per
part, so that asking for more cameras does not move the roads or the units.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import networkx as nx  # type: ignore[import-untyped]
import numpy as np

from kuzet.domain.cameras.model import Camera, CameraKind, CameraPurpose, District
from kuzet.domain.geo import GeoPoint
from kuzet.domain.offenses import OffenseCategory
from kuzet.domain.operations.units import PatrolUnit, UnitKind
from kuzet.domain.users.model import Tenant, TenantKind
from kuzet.sim.roads import (
    METRES_PER_DEGREE_LAT,
    BoundingBox,
    PointIndex,
    RoadClass,
    build_road_graph,
    nodes_on,
)

K = TypeVar("K")

ALMATY_BOUNDS = BoundingBox(min_lat=43.17, min_lon=76.74, max_lat=43.35, max_lon=77.06)

# Almaty's eight districts with approximate centers (id, name, lat, lon).
_DISTRICTS: tuple[tuple[str, str, float, float], ...] = (
    ("almaly", "Almaly", 43.2520, 76.9150),
    ("auezov", "Auezov", 43.2250, 76.8500),
    ("bostandyk", "Bostandyk", 43.2050, 76.9100),
    ("zhetysu", "Zhetysu", 43.2850, 76.9450),
    ("medeu", "Medeu", 43.2350, 76.9900),
    ("nauryzbay", "Nauryzbay", 43.1900, 76.7900),
    ("turksib", "Turksib", 43.3250, 76.9850),
    ("alatau", "Alatau", 43.2850, 76.8400),
)

_PO, _INFRA = OffenseCategory.PUBLIC_ORDER, OffenseCategory.INFRASTRUCTURE


@dataclass(frozen=True, slots=True)
class _TenantSpec:
    tenant: Tenant
    sites: int = 1
    district_id: str | None = None  # all sites in this district, else anywhere


def _tenant(tenant_id: str, name: str, kind: TenantKind, *categories: OffenseCategory) -> Tenant:
    return Tenant(id=tenant_id, name=name, kind=kind, allowed_categories=frozenset(categories))


_TENANTS: tuple[_TenantSpec, ...] = (
    _TenantSpec(_tenant("shop-dostyk-market", "Dostyk Market", TenantKind.SHOP, _PO), sites=4),
    _TenantSpec(_tenant("shop-arba-pharmacy", "Arba Pharmacy", TenantKind.SHOP, _PO), sites=2),
    _TenantSpec(_tenant("shop-zhibek-electronics", "Zhibek Electronics", TenantKind.SHOP, _PO)),
    _TenantSpec(_tenant("school-012", "Secondary School No. 12", TenantKind.SCHOOL, _PO)),
    _TenantSpec(_tenant("school-lyceum-134", "School-Lyceum No. 134", TenantKind.SCHOOL, _PO)),
    _TenantSpec(_tenant("school-gymnasium-56", "Gymnasium No. 56", TenantKind.SCHOOL, _PO)),
    _TenantSpec(_tenant("bc-alatau-plaza", "Alatau Plaza Business Centre", TenantKind.BUSINESS, _PO)),
    _TenantSpec(
        _tenant("rc-koktem-residence", "Koktem Residence", TenantKind.RESIDENTIAL, _PO, _INFRA), sites=3
    ),
    _TenantSpec(
        _tenant(
            "akimat-almaly", "Almaly District Akimat", TenantKind.DISTRICT,
            _PO, _INFRA, OffenseCategory.TRAFFIC, OffenseCategory.CITIZEN,
        ),
        sites=4,
        district_id="almaly",
    ),
)  # fmt: skip

# Share of each camera kind (percent), after every kind gets one camera.
_CAMERA_MIX: dict[CameraKind, int] = {
    CameraKind.STREET: 24, CameraKind.ENTRANCE: 20, CameraKind.COURTYARD: 14, CameraKind.PTZ: 6,
    CameraKind.SCHOOL: 7, CameraKind.SHOP: 8, CameraKind.TRAFFIC_POST: 9,
    CameraKind.MOBILE_ENFORCEMENT: 4, CameraKind.BODY_CAM: 6, CameraKind.DRONE: 2,
}  # fmt: skip

_PURPOSE: dict[CameraKind, CameraPurpose] = {
    CameraKind.STREET: CameraPurpose.PUBLIC_ORDER,
    CameraKind.PTZ: CameraPurpose.PUBLIC_ORDER,
    CameraKind.ENTRANCE: CameraPurpose.BUILDING_SECURITY,
    CameraKind.COURTYARD: CameraPurpose.PUBLIC_ORDER,
    CameraKind.SCHOOL: CameraPurpose.SCHOOL_SAFETY,
    CameraKind.SHOP: CameraPurpose.RETAIL_SECURITY,
    CameraKind.BODY_CAM: CameraPurpose.PATROL_EVIDENCE,
    CameraKind.DRONE: CameraPurpose.AERIAL_OVERVIEW,
    CameraKind.MOBILE_ENFORCEMENT: CameraPurpose.TRAFFIC_ENFORCEMENT,
    CameraKind.TRAFFIC_POST: CameraPurpose.TRAFFIC_ENFORCEMENT,
}

# How far (metres) from its road crossing a fixed camera of each kind stands.
_OFFSET_M: dict[CameraKind, tuple[float, float]] = {
    CameraKind.STREET: (5.0, 30.0), CameraKind.PTZ: (10.0, 40.0), CameraKind.TRAFFIC_POST: (5.0, 20.0),
    CameraKind.ENTRANCE: (40.0, 150.0), CameraKind.COURTYARD: (60.0, 180.0),
    CameraKind.SCHOOL: (20.0, 80.0), CameraKind.SHOP: (10.0, 60.0),
}  # fmt: skip

# Which tenant kinds own cameras of a kind, and the share of those cameras they own.
_OWNERS: dict[CameraKind, tuple[frozenset[TenantKind], float]] = {
    CameraKind.SCHOOL: (frozenset({TenantKind.SCHOOL}), 1.0),
    CameraKind.SHOP: (frozenset({TenantKind.SHOP}), 1.0),
    CameraKind.ENTRANCE: (frozenset({TenantKind.BUSINESS, TenantKind.RESIDENTIAL}), 0.35),
    CameraKind.COURTYARD: (frozenset({TenantKind.RESIDENTIAL, TenantKind.DISTRICT}), 0.3),
}

_UNIT_MIX: dict[UnitKind, int] = {
    UnitKind.PATROL_CAR: 55,
    UnitKind.FOOT_PATROL: 25,
    UnitKind.TRAFFIC_POLICE: 20,
}
_CALL_SIGN_LETTER: dict[UnitKind, str] = {
    UnitKind.PATROL_CAR: "P",
    UnitKind.FOOT_PATROL: "F",
    UnitKind.TRAFFIC_POLICE: "T",
}


def almaty_districts() -> tuple[District, ...]:
    """Almaty's eight administrative districts."""
    return tuple(District(id=i, name=n, center=GeoPoint(lat, lon)) for i, n, lat, lon in _DISTRICTS)


def apportion(weights: Mapping[K, int], total: int) -> dict[K, int]:
    """Split `total` into integer shares proportional to `weights` (largest remainder).

    Every key gets at least one when `total` allows. Deterministic: ties go to the earlier key.

    >>> apportion({"a": 3, "b": 1}, 10)
    {'a': 7, 'b': 3}
    """
    keys = list(weights)
    shares = dict.fromkeys(keys, 1 if total >= len(keys) else 0)
    rest, weight_sum = total - sum(shares.values()), sum(weights.values())
    quotas = {k: rest * weights[k] / weight_sum for k in keys}
    for k in keys:
        shares[k] += int(quotas[k])
    by_remainder = sorted(keys, key=lambda k: quotas[k] - int(quotas[k]), reverse=True)
    for k in by_remainder[: total - sum(shares.values())]:
        shares[k] += 1
    return shares


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Vectorised nearest-node and nearest-district lookups over a road graph."""

    node_ids: tuple[int, ...]
    nodes: PointIndex
    districts: PointIndex

    @classmethod
    def build(cls, graph: nx.DiGraph, districts: Sequence[District]) -> _Lookup:
        node_ids = tuple(sorted(int(n) for n in graph.nodes))
        lats = [float(graph.nodes[n]["lat"]) for n in node_ids]
        lons = [float(graph.nodes[n]["lon"]) for n in node_ids]
        return cls(node_ids, PointIndex(lats, lons), PointIndex.of([d.center for d in districts]))


@dataclass(frozen=True)
class SimulatedCity:
    """A generated city. Equality ignores the road graph (compare `road_graph.edges` for that).

    The road graph is frozen; call `road_graph.copy()` for a mutable copy.
    """

    seed: int
    bounds: BoundingBox
    districts: tuple[District, ...]
    tenants: tuple[Tenant, ...]
    cameras: tuple[Camera, ...]
    units: tuple[PatrolUnit, ...]
    road_graph: nx.DiGraph = field(compare=False, repr=False)
    _lookup: _Lookup = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", _Lookup.build(self.road_graph, self.districts))

    def district_of(self, point: GeoPoint) -> str:
        """Id of the district whose center is nearest to `point`."""
        return self.districts[self._lookup.districts.nearest(point)].id

    def nearest_node(self, point: GeoPoint) -> int:
        """The road-graph node nearest to `point`."""
        return self._lookup.node_ids[self._lookup.nodes.nearest(point)]

    def node_position(self, node: int) -> GeoPoint:
        attrs = self.road_graph.nodes[node]
        return GeoPoint(float(attrs["lat"]), float(attrs["lon"]))


@dataclass(frozen=True, slots=True)
class _Site:
    """One place where a tenant has cameras."""

    tenant: Tenant
    node: int
    label: str


@dataclass(frozen=True, slots=True)
class _Layout:
    """What placing cameras and units needs to know about the city."""

    graph: nx.DiGraph
    bounds: BoundingBox
    districts: tuple[District, ...]
    lookup: _Lookup
    nodes_by_district: Mapping[str, tuple[int, ...]]
    avenue_nodes: tuple[int, ...]

    @classmethod
    def build(cls, graph: nx.DiGraph, bounds: BoundingBox, districts: tuple[District, ...]) -> _Layout:
        by_district: dict[str, list[int]] = {d.id: [] for d in districts}
        for node, district_id in sorted(graph.nodes(data="district_id")):
            by_district[district_id].append(int(node))
        nodes = {k: tuple(v) for k, v in by_district.items()}
        return cls(
            graph,
            bounds,
            districts,
            _Lookup.build(graph, districts),
            nodes,
            nodes_on(graph, RoadClass.AVENUE),
        )

    def node_point(self, node: int) -> GeoPoint:
        return GeoPoint(float(self.graph.nodes[node]["lat"]), float(self.graph.nodes[node]["lon"]))

    def district_of(self, point: GeoPoint) -> str:
        return self.districts[self.lookup.districts.nearest(point)].id

    def street_names(self, node: int) -> str:
        names = sorted({str(name) for _, _, name in self.graph.edges(node, data="name")})
        return " / ".join(names[:2])

    def place_near(self, rng: np.random.Generator, node: int, offset_m: tuple[float, float]) -> GeoPoint:
        """A point `offset_m` (min, max) metres from the node in a random direction, inside the city."""
        origin = self.node_point(node)
        distance, bearing = rng.uniform(*offset_m), math.radians(rng.uniform(0.0, 360.0))
        lat = origin.lat + distance * math.cos(bearing) / METRES_PER_DEGREE_LAT
        lon = origin.lon + distance * math.sin(bearing) / (
            METRES_PER_DEGREE_LAT * math.cos(math.radians(origin.lat))
        )
        return self.bounds.clamp(round(lat, 6), round(lon, 6))


def _tenant_sites(rng: np.random.Generator, layout: _Layout) -> tuple[_Site, ...]:
    sites: list[_Site] = []
    for spec in _TENANTS:
        pool = layout.nodes_by_district[spec.district_id] if spec.district_id else layout.lookup.node_ids
        for number in range(1, spec.sites + 1):
            label = spec.tenant.name if spec.sites == 1 else f"{spec.tenant.name} #{number}"
            sites.append(_Site(spec.tenant, int(rng.choice(pool)), label))
    return tuple(sites)


def _generate_units(rng: np.random.Generator, layout: _Layout, count: int) -> tuple[PatrolUnit, ...]:
    kinds = [kind for kind, n in apportion(_UNIT_MIX, count).items() for _ in range(n)]
    per_district: Counter[tuple[str, UnitKind]] = Counter()
    units = []
    for index, kind in enumerate(kinds):
        district = layout.districts[index % len(layout.districts)]
        per_district[district.id, kind] += 1
        call_sign = (
            f"{district.id[:3].upper()}-{_CALL_SIGN_LETTER[kind]}{per_district[district.id, kind]:02d}"
        )
        node = _unit_node(rng, layout, district.id, kind)
        units.append(
            PatrolUnit(
                f"unit-{index + 1:03d}", call_sign, kind, district.id, position=layout.node_point(node)
            )
        )
    return tuple(units)


def _unit_node(rng: np.random.Generator, layout: _Layout, district_id: str, kind: UnitKind) -> int:
    """Traffic police stand on avenue crossings; everyone else anywhere in their district."""
    pool = layout.nodes_by_district[district_id]
    if kind is UnitKind.TRAFFIC_POLICE:
        avenues = set(layout.avenue_nodes)
        pool = tuple(n for n in pool if n in avenues) or pool
    return int(rng.choice(pool))


def _generate_cameras(
    rng: np.random.Generator,
    layout: _Layout,
    sites: tuple[_Site, ...],
    units: tuple[PatrolUnit, ...],
    count: int,
) -> tuple[Camera, ...]:
    cameras: list[Camera] = []
    for kind, n in apportion(_CAMERA_MIX, count).items():
        for number in range(1, n + 1):
            if kind.is_mobile:
                cameras.append(_mobile_camera(layout, units, kind, number))
            else:
                cameras.append(_fixed_camera(rng, layout, sites, kind, number))
    return tuple(cameras)


def _owner_site(
    rng: np.random.Generator, sites: tuple[_Site, ...], kind: CameraKind, number: int
) -> _Site | None:
    """The tenant site a camera belongs to: all shop and school cameras, some entrance/courtyard ones."""
    if kind not in _OWNERS:
        return None
    tenant_kinds, share = _OWNERS[kind]
    candidates = [s for s in sites if s.tenant.kind in tenant_kinds]
    if share >= 1.0:
        return candidates[(number - 1) % len(candidates)]
    return candidates[int(rng.integers(len(candidates)))] if rng.random() < share else None


def _fixed_node(rng: np.random.Generator, layout: _Layout, kind: CameraKind) -> int:
    """PTZ and traffic posts stand on avenues; other street cameras anywhere."""
    pool = (
        layout.avenue_nodes if kind in {CameraKind.PTZ, CameraKind.TRAFFIC_POST} else layout.lookup.node_ids
    )
    return int(pool[int(rng.integers(len(pool)))])


def _fixed_camera(
    rng: np.random.Generator,
    layout: _Layout,
    sites: tuple[_Site, ...],
    kind: CameraKind,
    number: int,
) -> Camera:
    site = _owner_site(rng, sites, kind, number)
    node = site.node if site else _fixed_node(rng, layout, kind)
    position = layout.place_near(rng, node, _OFFSET_M[kind])
    place = site.label if site else layout.street_names(node)
    return Camera(
        id=_camera_id(kind, number),
        name=f"{_camera_label(kind)} {number}, {place}",
        kind=kind,
        purpose=_PURPOSE[kind],
        district_id=layout.district_of(position),
        owner_tenant_id=site.tenant.id if site else None,
        position=position,
        heading_deg=float(rng.integers(0, 360)),
    )


def _camera_id(kind: CameraKind, number: int) -> str:
    """Ids like street-0001, traffic-post-0012."""
    return f"{kind.value.replace('_', '-')}-{number:04d}"


def _camera_label(kind: CameraKind) -> str:
    return "PTZ camera" if kind is CameraKind.PTZ else f"{kind.value.replace('_', ' ').capitalize()} camera"


def _mobile_camera(layout: _Layout, units: tuple[PatrolUnit, ...], kind: CameraKind, number: int) -> Camera:
    """Body cams go with units in turn; drones and enforcement cars are spread over the districts."""
    district = layout.districts[(number - 1) % len(layout.districts)]
    district_id, name = district.id, f"{kind.value.replace('_', ' ').capitalize()} {number} ({district.name})"
    if kind is CameraKind.BODY_CAM and units:
        unit = units[(number - 1) % len(units)]
        district_id, name = unit.district_id, f"Body cam {number} ({unit.call_sign})"
    elif kind is CameraKind.MOBILE_ENFORCEMENT and number == 1:
        name = f"Mobile enforcement {number} (ambulance, {district.name})"
    return Camera(
        id=_camera_id(kind, number), name=name, kind=kind, purpose=_PURPOSE[kind], district_id=district_id
    )


def generate_city(seed: int = 7, camera_count: int = 300, unit_count: int = 40) -> SimulatedCity:
    """Generate Almaty-like city data; the same arguments always give the same city."""
    if seed < 0 or camera_count < 0 or unit_count < 0:
        raise ValueError("seed, camera_count and unit_count must not be negative")
    road_rng, site_rng, unit_rng, camera_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    districts = almaty_districts()
    graph = build_road_graph(
        road_rng, ALMATY_BOUNDS, [d.id for d in districts], [d.center for d in districts]
    )
    layout = _Layout.build(graph, ALMATY_BOUNDS, districts)
    sites = _tenant_sites(site_rng, layout)
    units = _generate_units(unit_rng, layout, unit_count)
    cameras = _generate_cameras(camera_rng, layout, sites, units, camera_count)
    return SimulatedCity(
        seed=seed,
        bounds=ALMATY_BOUNDS,
        districts=districts,
        tenants=tuple(spec.tenant for spec in _TENANTS),
        cameras=cameras,
        units=units,
        road_graph=nx.freeze(graph),
    )
