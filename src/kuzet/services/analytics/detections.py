"""Analytics hits into alerts: one ``RecordDetection`` raises or folds an alert and announces the hit.

The alert takes the camera's position and owner from the register (through ``raise_alert``), the
snapshot path, the first track and the rule's summary with the clip's time range; ``OffenseDetected``
keeps every detail (all tracks, the box, the clip) for consumers that want more than the alert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from kuzet.domain.analytics.detections import DetectionFacts, OffenseDetected, RecordDetection
from kuzet.domain.operations.alerts import Alert, Observation
from kuzet.domain.operations.messages import RaiseAlert
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork

RaiseAlertHandler = Callable[[RaiseAlert, UnitOfWork], Handled]


def record_detection(command: RecordDetection, uow: UnitOfWork, raise_alert: RaiseAlertHandler) -> Handled:
    observation = Observation(
        code=command.code,
        at=command.at,
        camera_id=command.camera_id,
        track_id=command.track_ids[0] if command.track_ids else None,
        confidence=command.confidence,
        detail=command.summary(),
        snapshot_ref=command.snapshot_ref,
    )
    alert = raise_alert(RaiseAlert(observation=observation), uow).value
    assert isinstance(alert, Alert)
    facts = {f.name: getattr(command, f.name) for f in fields(DetectionFacts)}
    uow.emit(OffenseDetected(**facts, alert_id=alert.id))
    return Handled(f"detection:{command.detection_id}", value=alert)
