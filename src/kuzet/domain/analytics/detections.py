"""An offense the video analytics saw: the command that records it and the event that says it happened.

A rule hit becomes a ``RecordDetection`` in the ingest worker: the offense code, the rule and tracks
that produced it, where in the image (the box the snapshot shows), the snapshot's archive path and the
stretch of recording that shows it (``clip_start``..``clip_end``). Recording it raises (or folds into)
an alert through the same path as every other alert, and ``OffenseDetected`` carries the whole
evidence trail on the bus, with the alert it led to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from kuzet.domain.messages import Command, Event

Box = tuple[float, float, float, float]


@dataclass(frozen=True, kw_only=True)
class DetectionFacts:
    """What one rule hit established, shared by the command and the event."""

    detection_id: str
    camera_id: str
    rule_id: str
    code: str
    at: datetime
    confidence: float
    track_ids: tuple[int, ...]
    bbox: Box  # x1, y1, x2, y2 in pixels of the analysed frame
    frame_size: tuple[int, int]  # width, height of the analysed frame
    zone: str | None = None
    detail: str = ""
    snapshot_ref: str | None = None  # archive path of the JPEG with the box drawn
    clip_start: datetime
    clip_end: datetime

    def summary(self) -> str:
        """What an operator reads on the alert: rule, what it measured, and where the clip is."""
        parts = [f"rule {self.rule_id}"]
        if self.zone:
            parts.append(f"zone {self.zone}")
        if self.detail:
            parts.append(self.detail)
        parts.append(f"clip {self.clip_start:%Y-%m-%d %H:%M:%S}–{self.clip_end:%H:%M:%S} UTC")
        return "; ".join(parts)


@dataclass(frozen=True, kw_only=True)
class RecordDetection(DetectionFacts, Command):
    """Store an analytics hit as an alert (machine traffic: not audited one by one)."""

    audited: ClassVar[bool] = False


@dataclass(frozen=True, kw_only=True)
class OffenseDetected(DetectionFacts, Event):
    """The analytics saw an offense; ``alert_id`` is the alert it raised or folded into."""

    alert_id: str
