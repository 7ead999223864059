"""Wiring of the room's work: policies, the road network, the dispatch advisor, the live feed, handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from kuzet.adapters.roads.geojson import load_geojson
from kuzet.adapters.roads.graph import network_from_graph
from kuzet.adapters.roads.osm import load_osm
from kuzet.adapters.roads.source import read_roads
from kuzet.config.site import OffensesConfig
from kuzet.domain.analytics.detections import RecordDetection
from kuzet.domain.fleet.messages import (
    ChangeDeviceState,
    CloseMaintenanceTicket,
    OpenOverdueMaintenanceTickets,
    RecordCameraHealth,
)
from kuzet.domain.geo import GeoBounds
from kuzet.domain.messages import Command
from kuzet.domain.offenses import OffenseTaxonomy
from kuzet.domain.operations.messages import (
    AcknowledgeAlert,
    AddIncidentNote,
    ChangeIncidentState,
    CompleteSopStep,
    DismissAlert,
    DispatchUnits,
    EscalateAlert,
    EscalateOverdueAlerts,
    MoveTicket,
    OpenIncident,
    PressSosButton,
    RaiseAlert,
    ReportUnitPosition,
    SetUnitStatus,
    TakeCitizenCall,
)
from kuzet.services.analytics import detections
from kuzet.services.fleet import health as camera_health
from kuzet.services.fleet import lifecycle as fleet
from kuzet.services.fleet.lifecycle import FleetPolicy
from kuzet.services.messagebus import CommandHandler
from kuzet.services.operations import alerts, field, incidents
from kuzet.services.operations.alerts import AlertPolicy
from kuzet.services.operations.dispatch import DispatchAdvisor
from kuzet.services.operations.field import FieldPolicy
from kuzet.services.operations.live_feed import LiveFeed
from kuzet.services.operations.routing import RoadNetwork
from kuzet.services.ports import UnitOfWorkFactory

MAP_MARGIN_M = 5_000.0


@dataclass(frozen=True)
class OperationsServices:
    alert_policy: AlertPolicy
    field_policy: FieldPolicy
    network: RoadNetwork
    advisor: DispatchAdvisor
    live_feed: LiveFeed
    fleet_policy: FleetPolicy


def load_roads(source: str) -> RoadNetwork:
    """``sim:<seed>`` (the simulated city's streets) or a path to an .osm or .geojson file."""
    return read_roads(source, graph=network_from_graph, osm=load_osm, geojson=load_geojson)


def make_operations(
    uow_factory: UnitOfWorkFactory,
    taxonomy: OffenseTaxonomy,
    roads: str,
    *,
    alert_policy: AlertPolicy | None = None,
    fleet_policy: FleetPolicy | None = None,
    site: OffensesConfig | None = None,
) -> OperationsServices:
    """``site`` carries the deployment's procedures (SOPs) and municipal services from the site file."""
    network = load_roads(roads)
    bounds = GeoBounds(
        float(network.lats.min()),
        float(network.lons.min()),
        float(network.lats.max()),
        float(network.lons.max()),
    ).widened(MAP_MARGIN_M)
    return OperationsServices(
        alert_policy=alert_policy
        or AlertPolicy(
            sops={code: tuple(steps) for code, steps in (site.procedures if site else {}).items()}
        ),
        field_policy=FieldPolicy(
            bounds=bounds,
            municipal_services=dict(site.municipal_services) if site else {},
            ticket_sla={code: timedelta(hours=h) for code, h in (site.ticket_hours if site else {}).items()},
        ),
        network=network,
        advisor=DispatchAdvisor(uow_factory, network),
        live_feed=LiveFeed(taxonomy),
        fleet_policy=fleet_policy or FleetPolicy(),
    )


def operations_handlers(
    ops: OperationsServices, taxonomy: OffenseTaxonomy
) -> dict[type[Command], CommandHandler]:
    raise_alert = partial(
        alerts.raise_alert, taxonomy=taxonomy, policy=ops.alert_policy, field_policy=ops.field_policy
    )
    return {
        RaiseAlert: raise_alert,
        AcknowledgeAlert: alerts.acknowledge_alert,
        DismissAlert: alerts.dismiss_alert,
        EscalateAlert: alerts.escalate_alert,
        CompleteSopStep: partial(alerts.complete_sop_step, policy=ops.alert_policy),
        EscalateOverdueAlerts: partial(alerts.escalate_overdue, policy=ops.alert_policy),
        OpenIncident: partial(incidents.open_incident, taxonomy=taxonomy),
        ChangeIncidentState: incidents.change_incident_state,
        AddIncidentNote: incidents.add_incident_note,
        DispatchUnits: partial(incidents.dispatch_units, network=ops.network),
        ReportUnitPosition: partial(field.report_unit_position, policy=ops.field_policy),
        SetUnitStatus: field.set_unit_status,
        TakeCitizenCall: partial(field.take_citizen_call, taxonomy=taxonomy),
        PressSosButton: field.press_sos_button,
        MoveTicket: field.move_ticket,
        # Camera health alerts take the same path as every other alert (folding, tenant ownership).
        RecordCameraHealth: partial(camera_health.record_camera_health, raise_alert=raise_alert),
        RecordDetection: partial(detections.record_detection, raise_alert=raise_alert),
        ChangeDeviceState: fleet.change_device_state,
        OpenOverdueMaintenanceTickets: partial(
            fleet.open_overdue_maintenance_tickets, policy=ops.fleet_policy
        ),
        CloseMaintenanceTicket: fleet.close_maintenance_ticket,
    }
