"""The analytics of one camera inside its ingest worker: sampled frames in, evidenced rule hits out.

The site file says what to look for (``analytics.detector``, the camera's zones, calibration and
rules); ``AnalyticsSpec`` carries that part of it, for one camera, into the worker process. There
``AnalyticsRunner`` builds the ``AnalyticsPipeline`` (motion gate → detector → tracker → rules) on the
first frame, runs it on every sampled frame and turns each ``RuleHit`` into an ``AnalyticsHit``: the
facts, the clip's time range and a JPEG of the frame with the box drawn. The JPEG is written to a
file in ``snapshot_dir`` and only its path travels on the queue: a message under the pipe's atomic
write size can never be left half-written by a worker that is killed, which would block the reader
forever. The parent (``IngestSupervisor``) hands hits to a sink that moves the snapshot into the
archive and records the detection (``kuzet.ingest.hits``).

Analytics never takes recording down: a model that will not load, a zone that does not fit or a
pipeline that keeps failing turns the camera's analytics off with an ``AnalyticsStatus`` that says why,
and the worker goes on recording. ``check_analytics`` finds the same problems at load time, in the
parent, so ``kuzet worker`` can say them before any process starts.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any
from uuid import uuid4

from kuzet.config.site import SiteConfig
from kuzet.domain.analytics.detections import RecordDetection
from kuzet.errors import ConfigError, KuzetError
from kuzet.ingest.source import SampledFrame
from kuzet.vision.detectors.base import Detector, ModelLoader
from kuzet.vision.detectors.classifier import ImageClassifier
from kuzet.vision.detectors.registry import build_detector
from kuzet.vision.pipeline import AnalyticsPipeline
from kuzet.vision.rules.base import CropClassifier, RuleHit
from kuzet.vision.rules.classifier import ClassifierConfig as ClassifierRuleConfig
from kuzet.vision.rules.registry import RuleSet
from kuzet.vision.snapshots import render_snapshot
from kuzet.vision.zones import FrameSize

log = logging.getLogger(__name__)
MAX_FAILURES = 5  # frames in a row the pipeline may fail before the camera's analytics is turned off
MAX_DETAIL = 500  # characters of a status reason sent to the parent


@dataclass(frozen=True, slots=True)
class AnalyticsSpec:
    """One camera's part of the site file: what its worker needs to build its pipeline (picklable)."""

    camera_id: str
    site: SiteConfig

    @classmethod
    def for_camera(cls, site: SiteConfig, camera_id: str) -> AnalyticsSpec | None:
        """The camera's spec, or ``None`` when it has no rules or its analytics is switched off."""
        camera = next((c for c in site.cameras if c.id == camera_id), None)
        rules = site.camera_rules(camera_id)
        if not rules or (camera is not None and not camera.analytics):
            return None
        own = site.model_copy(
            update={
                "cameras": [camera] if camera is not None else [],
                "zones": [z for z in site.zones if z.camera == camera_id],
                "rules": rules,
                "districts": [],
                "tenants": [],
            }
        )
        return cls(camera_id, own)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.site.rules)


@dataclass(frozen=True, slots=True)
class AnalyticsHit:
    """A rule hit with its evidence, on its way from the worker to the parent."""

    camera_id: str
    hit: RuleHit
    frame_size: FrameSize
    snapshot: Path  # a JPEG file the receiver takes over (moves or deletes)
    clip_before_s: float
    clip_after_s: float

    def to_command(self, detection_id: str, snapshot_ref: str | None) -> RecordDetection:
        at = datetime.fromtimestamp(self.hit.time, UTC)
        return RecordDetection(
            detection_id=detection_id,
            camera_id=self.camera_id,
            rule_id=self.hit.rule_id,
            code=self.hit.code,
            at=at,
            confidence=self.hit.confidence,
            track_ids=self.hit.track_ids,
            bbox=self.hit.bbox,
            frame_size=self.frame_size,
            zone=self.hit.zone,
            detail=self.hit.detail,
            snapshot_ref=snapshot_ref,
            clip_start=at - timedelta(seconds=self.clip_before_s),
            clip_end=at + timedelta(seconds=self.clip_after_s),
        )


@dataclass(frozen=True, slots=True)
class AnalyticsStatus:
    """Whether a camera's analytics runs, and what it runs or why not."""

    camera_id: str
    running: bool
    detail: str


AnalyticsMessage = AnalyticsHit | AnalyticsStatus


def build_pipeline(
    spec: AnalyticsSpec, frame_size: FrameSize, load_model: ModelLoader, detector: Detector | None = None
) -> AnalyticsPipeline:
    """The camera's pipeline; a ``KuzetError`` naming the model file or the site key if it cannot be."""
    site = spec.site
    detector = detector or build_detector(site.analytics.detector, load_model)
    try:
        env = site.rule_environment(spec.camera_id, frame_size, _classifiers(site, load_model))
        rules = RuleSet(site.rules, env)
    except ValueError as exc:
        raise ConfigError(f"camera {spec.camera_id}: {exc}") from None
    return AnalyticsPipeline(detector, rules, frame_size)


def _classifiers(site: SiteConfig, load_model: ModelLoader) -> dict[str, CropClassifier]:
    """The classifier models the camera's rules use (only those: each is a model in memory)."""
    used = {r.model for r in site.rules if isinstance(r, ClassifierRuleConfig)}
    configs = site.analytics.classifiers
    return {name: ImageClassifier.from_config(configs[name], load_model) for name in used if name in configs}


def describe(spec: AnalyticsSpec) -> str:
    """What runs, for a status table: the detector and the rules."""
    return f"{spec.site.analytics.detector.type}: {', '.join(spec.rule_ids)}"


def check_analytics(
    specs: Mapping[str, AnalyticsSpec], frame_size: FrameSize, load_model: ModelLoader
) -> dict[str, str]:
    """Build every camera's pipeline once, in this process: camera id → why it cannot run.

    Detectors are built once per distinct config (a model file is read once, not per camera).
    """
    problems: dict[str, str] = {}
    detectors: dict[str, Detector | str] = {}
    for camera_id, spec in specs.items():
        config = spec.site.analytics.detector
        key = config.model_dump_json()
        if key not in detectors:
            try:
                detectors[key] = build_detector(config, load_model)
            except KuzetError as exc:
                detectors[key] = f"analytics.detector: {exc}"
        detector = detectors[key]
        if isinstance(detector, str):
            problems[camera_id] = detector
            continue
        try:
            build_pipeline(spec, frame_size, load_model, detector)
        except KuzetError as exc:
            problems[camera_id] = str(exc)
    return problems


class AnalyticsRunner:
    """The analytics of one camera in its worker process; see the module docstring.

    Rules measure time (dwell, speed, schedules), so frames need a clock: live streams and paced files
    use the wall clock; a file read as fast as it decodes uses its own timeline (``stream_clock``),
    laid from the wall time of its first frame and kept moving forward when the file starts over.
    ``feed`` never raises: every failure becomes an ``AnalyticsStatus`` on the queue and a log line.
    """

    def __init__(
        self,
        spec: AnalyticsSpec,
        messages: Queue[Any] | None,
        load_model: ModelLoader,
        snapshot_dir: Path,
        *,
        stream_clock: bool = False,
    ) -> None:
        self.spec, self.messages, self.load_model = spec, messages, load_model
        self.snapshot_dir = snapshot_dir
        self.stream_clock = stream_clock
        self._origin: float | None = None  # epoch seconds of stream time 0
        self._last_time = float("-inf")
        self.pipeline: AnalyticsPipeline | None = None
        self.off = False
        self.failures = 0
        self.hits = 0
        self.hits_dropped = 0

    def feed(self, frame: SampledFrame) -> None:
        if self.off:
            return
        if self.pipeline is None and not self._start(frame):
            return
        assert self.pipeline is not None
        try:
            output = self.pipeline.process(frame.image, self._time_of(frame))
        except Exception as exc:  # a bad frame or a model that fails at run time: count, maybe stop
            self.failures += 1
            log.exception("camera %s: analytics failed on a frame", self.spec.camera_id)
            if self.failures >= MAX_FAILURES:
                self._stop(f"failed on {MAX_FAILURES} frames in a row, last: {exc}")
            return
        self.failures = 0
        for hit in output.hits:
            try:
                evidence = self._evidence(frame, hit)
            except Exception as exc:  # a full disk, a box JPEG cannot draw: say so, keep analysing
                log.error("camera %s: %s hit lost, no snapshot: %s", self.spec.camera_id, hit.code, exc)
                self.hits_dropped += 1
                continue
            self._send(evidence)

    def _time_of(self, frame: SampledFrame) -> float:
        if not self.stream_clock:
            t = frame.wall_time
        else:
            if self._origin is None or self._origin + frame.stream_time_s <= self._last_time:
                start = frame.wall_time if self._origin is None else self._last_time + 0.2
                self._origin = start - frame.stream_time_s
            t = self._origin + frame.stream_time_s
        self._last_time = t
        return t

    def _start(self, frame: SampledFrame) -> bool:
        size = (frame.image.shape[1], frame.image.shape[0])
        try:
            self.pipeline = build_pipeline(self.spec, size, self.load_model)
        except Exception as exc:  # a KuzetError names the file or key; anything else must not kill recording
            self._stop(str(exc) if isinstance(exc, KuzetError) else f"{type(exc).__name__}: {exc}")
            return False
        self._status(True, describe(self.spec))
        return True

    def _evidence(self, frame: SampledFrame, hit: RuleHit) -> AnalyticsHit:
        label = f"{hit.code} #{','.join(map(str, hit.track_ids))}"
        analytics = self.spec.site.analytics
        path = self.snapshot_dir / f"{self.spec.camera_id}-{uuid4().hex}.jpg"
        part = path.with_suffix(".part")
        part.write_bytes(render_snapshot(frame.image, [hit.bbox], [label]))
        part.rename(path)
        return AnalyticsHit(
            camera_id=self.spec.camera_id,
            hit=hit,
            frame_size=(frame.image.shape[1], frame.image.shape[0]),
            snapshot=path,
            clip_before_s=analytics.clip_before_s,
            clip_after_s=analytics.clip_after_s,
        )

    def _stop(self, why: str) -> None:
        self.off, self.pipeline = True, None
        log.error("camera %s: analytics off, recording goes on: %s", self.spec.camera_id, why)
        self._status(False, why)

    def _status(self, running: bool, detail: str) -> None:
        # Capped: a message stays far below the pipe's atomic write size (see the module docstring).
        if not self._put(AnalyticsStatus(self.spec.camera_id, running, detail[:MAX_DETAIL])):
            log.warning("camera %s: analytics status not delivered: %s", self.spec.camera_id, detail)

    def _send(self, hit: AnalyticsHit) -> None:
        if self._put(hit):
            self.hits += 1
        else:
            self.hits_dropped += 1
            hit.snapshot.unlink(missing_ok=True)
            log.warning(
                "camera %s: analytics hit %s dropped: nobody reads the queue", hit.camera_id, hit.hit.code
            )

    def _put(self, message: AnalyticsMessage) -> bool:
        if self.messages is None:
            return False
        try:
            self.messages.put_nowait(message)
        except queue.Full:
            return False
        return True


def specs_for(site: SiteConfig | None, camera_ids: Iterable[str]) -> dict[str, AnalyticsSpec]:
    """The cameras among ``camera_ids`` that have analytics to run, by id."""
    if site is None:
        return {}
    specs = {cid: AnalyticsSpec.for_camera(site, cid) for cid in camera_ids}
    return {cid: spec for cid, spec in specs.items() if spec is not None}
