"""The alert router: observations become alerts, repeats fold, overdue ones escalate, SOPs are ticked off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from uuid import uuid4

from kuzet.domain.messages import utc_now
from kuzet.domain.offenses import OffenseTaxonomy, Priority
from kuzet.domain.operations.alerts import DEFAULT_SLA, Alert, AlertStatus, FoldPolicy
from kuzet.domain.operations.messages import (
    AcknowledgeAlert,
    AlertAcknowledged,
    AlertDismissed,
    AlertEscalated,
    AlertFolded,
    AlertRaised,
    AlertSopStepRecorded,
    CompleteSopStep,
    DismissAlert,
    EscalateAlert,
    EscalateOverdueAlerts,
    RaiseAlert,
)
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.messagebus import Handled
from kuzet.services.operations.field import FieldPolicy, open_ticket_for
from kuzet.services.operations.ports import StaleVersionError
from kuzet.services.ports import UnitOfWork

_EVERYTHING = TenantScope(None)


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """How alerts fold, when they escalate, what is related, and each code's checklist (SOP)."""

    fold: FoldPolicy = field(default_factory=FoldPolicy)
    sla: Mapping[Priority, timedelta] = field(default_factory=lambda: dict(DEFAULT_SLA))
    related_radius_m: float = 300.0
    related_window: timedelta = timedelta(minutes=10)
    sops: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def raise_alert(
    command: RaiseAlert,
    uow: UnitOfWork,
    taxonomy: OffenseTaxonomy,
    policy: AlertPolicy,
    field_policy: FieldPolicy,
) -> Handled:
    obs = command.observation
    offense = taxonomy[obs.code]
    camera = uow.cameras.get(obs.camera_id, _EVERYTHING) if obs.camera_id else None
    if obs.camera_id and camera is None:
        raise NotFoundError(f"alert {obs.code}: unknown camera {obs.camera_id!r}")
    if obs.position is None and camera is not None:
        obs = replace(obs, position=camera.position)
    around = (obs.position, policy.fold.radius_m) if obs.camera_id is None and obs.position else None
    recent = uow.alerts.active_since(obs.at - policy.fold.window, obs.code, obs.camera_id, around)
    existing = next((a for a in recent if policy.fold.folds(a, obs)), None)
    if existing is not None:
        folded = existing.fold(obs)
        uow.alerts.update(folded, existing.version)
        uow.emit(
            AlertFolded(
                alert_id=folded.id,
                code=folded.code,
                count=folded.count,
                tenant_id=folded.tenant_id,
                version=folded.version,
                status=folded.status,
                last_at=folded.last_at,
            )
        )
        return Handled(f"alert:{folded.id}", value=folded)
    alert = Alert(
        id=f"al-{uuid4().hex[:12]}",
        code=obs.code,
        priority=offense.default_priority,
        first_at=obs.at,
        last_at=obs.at,
        camera_id=obs.camera_id,
        track_id=obs.track_id,
        position=obs.position,
        tenant_id=camera.owner_tenant_id if camera else None,
        detail=obs.detail,
        snapshot_ref=obs.snapshot_ref,
    )
    uow.alerts.add(alert)
    nearby = (
        uow.alerts.active_since(
            obs.at - policy.related_window, around=(obs.position, policy.related_radius_m)
        )
        if obs.position is not None
        else []
    )
    related = tuple(
        a.id for a in nearby if alert.related_to(a, policy.related_radius_m, policy.related_window)
    )
    uow.emit(
        AlertRaised(
            alert_id=alert.id,
            code=alert.code,
            priority=int(alert.priority),
            camera_id=alert.camera_id,
            tenant_id=alert.tenant_id,
            lat=alert.position.lat if alert.position else None,
            lon=alert.position.lon if alert.position else None,
            related_alert_ids=related,
            version=alert.version,
            status=alert.status,
            first_at=alert.first_at,
            last_at=alert.last_at,
            count=alert.count,
            track_id=alert.track_id,
            detail=alert.detail,
            has_snapshot=alert.snapshot_ref is not None,
            procedure=policy.sops.get(alert.code, ()),
        )
    )
    open_ticket_for(uow, alert.code, taxonomy, field_policy, camera_id=alert.camera_id, alert_id=alert.id)
    return Handled(f"alert:{alert.id}", value=alert)


def _load(uow: UnitOfWork, alert_id: str, expected_version: int | None = None) -> Alert:
    alert = uow.alerts.get(alert_id)
    if alert is None:
        raise NotFoundError(f"alert {alert_id!r} not found")
    if expected_version is not None and alert.version != expected_version:
        raise StaleVersionError(
            f"alert {alert_id} changed since you loaded it (now {alert.status.value}"
            f"{', by ' + alert.acknowledged_by if alert.acknowledged_by else ''}); reload"
        )
    return alert


def acknowledge_alert(command: AcknowledgeAlert, uow: UnitOfWork) -> Handled:
    alert = _load(uow, command.alert_id, command.expected_version)
    if alert.status not in {AlertStatus.OPEN, AlertStatus.ESCALATED}:
        raise ConflictError(f"alert {alert.id} is {alert.status.value}, not open")
    acked = replace(
        alert,
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=command.by,
        acknowledged_at=utc_now(),
        version=alert.version + 1,
    )
    uow.alerts.update(acked, alert.version)
    uow.emit(
        AlertAcknowledged(
            alert_id=alert.id,
            code=alert.code,
            by=command.by,
            tenant_id=alert.tenant_id,
            version=acked.version,
            status=acked.status,
        )
    )
    return Handled(f"alert:{alert.id}", value=acked)


def dismiss_alert(command: DismissAlert, uow: UnitOfWork) -> Handled:
    if not command.reason.strip():
        raise ConflictError("dismissing an alert needs a reason")
    alert = _load(uow, command.alert_id, command.expected_version)
    if not alert.is_active:
        raise ConflictError(f"alert {alert.id} is already {alert.status.value}")
    dismissed = replace(alert, status=AlertStatus.DISMISSED, detail=command.reason, version=alert.version + 1)
    uow.alerts.update(dismissed, alert.version)
    uow.emit(
        AlertDismissed(
            alert_id=alert.id,
            code=alert.code,
            by=command.by,
            reason=command.reason,
            tenant_id=alert.tenant_id,
            version=dismissed.version,
            status=dismissed.status,
        )
    )
    return Handled(f"alert:{alert.id}", value=dismissed)


def escalate_alert(command: EscalateAlert, uow: UnitOfWork) -> Handled:
    """By hand: the same ``AlertEscalated`` as past the SLA, with who and why."""
    if not command.reason.strip():
        raise ConflictError("escalating an alert needs a reason")
    alert = _load(uow, command.alert_id, command.expected_version)
    if not alert.can_escalate:
        raise ConflictError(f"alert {alert.id} is {alert.status.value}, not open or acknowledged")
    up = alert.escalate(utc_now())
    uow.alerts.update(up, alert.version)
    _emit_escalated(uow, up, alert, by=command.by, reason=command.reason)
    return Handled(f"alert:{alert.id}", value=up)


def _emit_escalated(uow: UnitOfWork, up: Alert, was: Alert, by: str | None = None, reason: str = "") -> None:
    assert up.escalated_at is not None
    uow.emit(
        AlertEscalated(
            alert_id=up.id,
            code=up.code,
            priority=int(up.priority),
            waited_s=(up.escalated_at - was.first_at).total_seconds(),
            tenant_id=up.tenant_id,
            version=up.version,
            status=up.status,
            escalated_at=up.escalated_at,
            by=by,
            reason=reason,
        )
    )


def complete_sop_step(command: CompleteSopStep, uow: UnitOfWork, policy: AlertPolicy) -> Handled:
    alert = _load(uow, command.alert_id)
    steps = policy.sops.get(alert.code, ())
    if not 0 <= command.step < len(steps):
        raise NotFoundError(f"alert {alert.id}: the {alert.code} procedure has no step {command.step}")
    done = tuple(sorted({*alert.sop_done, command.step}))
    updated = replace(alert, sop_done=done, version=alert.version + 1)
    uow.alerts.update(updated, alert.version)
    uow.emit(
        AlertSopStepRecorded(
            alert_id=alert.id,
            code=alert.code,
            step=command.step,
            sop_done=done,
            by=command.by,
            tenant_id=alert.tenant_id,
            version=updated.version,
            status=updated.status,
        )
    )
    return Handled(f"alert:{alert.id}:sop:{command.step}", value=updated)


def escalate_overdue(command: EscalateOverdueAlerts, uow: UnitOfWork, policy: AlertPolicy) -> Handled:
    escalated = []
    for alert in uow.alerts.with_status(AlertStatus.OPEN):
        if alert.overdue(command.now, dict(policy.sla)):
            up = alert.escalate(command.now)
            uow.alerts.update(up, alert.version)
            _emit_escalated(uow, up, alert)
            escalated.append(up)
    return Handled(f"alerts:{len(escalated)} escalated", value=escalated)
