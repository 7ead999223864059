"""Where a worker's findings land: analytics hits and picture health changes, into the store.

``HitRecorder`` is the ``IngestSupervisor``'s hit sink in ``kuzet worker`` and ``kuzet demo``: the
snapshot goes into the archive, the detection (and its alert) into the store. The JPEG
is written first so the alert never points at a picture that is not there; if the archive cannot take
it (disk full, permissions) the detection is still recorded, without a snapshot, and the failure logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

from kuzet.bootstrap import Kuzet
from kuzet.domain.fleet.health import HealthChange
from kuzet.ingest.analytics import AnalyticsHit
from kuzet.services.context import Actor

log = logging.getLogger(__name__)
ANALYTICS = Actor("system:analytics")


class HitRecorder:
    """Store each hit's snapshot and record it as a detection through the message bus."""

    def __init__(self, kuzet: Kuzet) -> None:
        self.kuzet = kuzet
        self.recorded = 0

    def __call__(self, hit: AnalyticsHit) -> None:
        detection_id = f"det-{uuid4().hex[:12]}"
        at = datetime.fromtimestamp(hit.hit.time, UTC)
        snapshot_ref: str | None = None
        try:
            jpeg = hit.snapshot.read_bytes()
            snapshot_ref = self.kuzet.archive.storage.save_snapshot(hit.camera_id, at, detection_id, jpeg)
        except (OSError, ValueError):
            log.exception("camera %s: snapshot of %s not stored", hit.camera_id, detection_id)
        finally:
            hit.snapshot.unlink(missing_ok=True)
        self.kuzet.messagebus.handle(hit.to_command(detection_id, snapshot_ref), ANALYTICS)
        self.recorded += 1


def outbox_health_sink(kuzet: Kuzet) -> Callable[[HealthChange], None]:
    """Write each health change as a ``CameraHealthChanged`` event to the outbox (one transaction each)."""

    def record(change: HealthChange) -> None:
        with kuzet.uow() as uow:
            uow.emit(change.to_event())
            uow.commit()

    return record
