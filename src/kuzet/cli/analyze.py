"""``kuzet analyze``: run the analytics pipeline over a video file and print what it found as JSON lines.

With a site file and a camera id, the camera's zones and rules apply and every rule hit is one line on
stdout (``camera``, ``rule``, ``code``, ``time_s``, ``confidence``, ``track_ids``, ``bbox``...). Without
one, every tracked object is one line at the end (``track_id``, ``class``, ``first_s``, ``last_s`` and
its ``path`` of ``[t, x, y]`` foot points). Progress and warnings go to stderr, so stdout stays JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from kuzet.errors import ConfigError, KuzetError

if TYPE_CHECKING:  # the pipeline, PyAV and ONNX Runtime load when a video is analysed, not for --help
    from kuzet.config.site import SiteConfig
    from kuzet.ingest.source import SampledFrame
    from kuzet.vision.detectors.base import Detector
    from kuzet.vision.detectors.registry import DetectorConfig
    from kuzet.vision.rules.base import RuleHit
    from kuzet.vision.rules.registry import RuleSet
    from kuzet.vision.zones import FrameSize

stderr = Console(stderr=True)
DETECTORS = ("auto", "nanodet", "opencv_hog")


def choose_detector(name: str) -> Detector:
    """``auto``: NanoDet when its model is installed, else OpenCV's HOG people detector."""
    if name not in DETECTORS:
        raise ConfigError(f"--detector: unknown detector {name!r} (choose from {', '.join(DETECTORS)})")
    from kuzet.adapters.models.loader import load_onnx
    from kuzet.vision.detectors.nanodet import NanoDetConfig
    from kuzet.vision.detectors.opencv_hog import OpenCvHogConfig
    from kuzet.vision.detectors.registry import build_detector

    nanodet = NanoDetConfig()
    if name == "auto":
        name = "nanodet" if nanodet.model.is_file() else "opencv_hog"
    config: DetectorConfig = nanodet if name == "nanodet" else OpenCvHogConfig()
    return build_detector(config, load_onnx)


def camera_rules(site: SiteConfig, camera: str, frame_size: FrameSize) -> RuleSet:
    """The camera's rules on its zones (the site file was checked when it loaded, rules and all)."""
    from kuzet.vision.rules.registry import RuleSet

    rules = site.camera_rules(camera)
    try:
        rule_set = RuleSet(rules, site.rule_environment(camera, frame_size))
    except ValueError as exc:
        raise ConfigError(f"camera {camera}: {exc}") from None
    if not rules:
        warn(f"camera {camera!r} has no rules: no hits will be reported")
    if any(rule.schedule is not None for rule in rules):
        warn(f"camera {camera!r}: schedules are read against video time from 1970-01-01 00:00 UTC")
    return rule_set


def warn(message: str) -> None:
    stderr.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


def emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def hit_record(camera: str, hit: RuleHit) -> dict[str, Any]:
    return {
        "camera": camera,
        "rule": hit.rule_id,
        "code": hit.code,
        "time_s": round(hit.time, 3),
        "confidence": round(hit.confidence, 3),
        "track_ids": list(hit.track_ids),
        "bbox": [round(v, 1) for v in hit.bbox],
        "zone": hit.zone,
        "detail": hit.detail,
    }


def frames(video: Path, fps: float, max_seconds: float | None) -> Iterator[tuple[SampledFrame, float | None]]:
    """Sampled frames of the file and its duration in seconds (None if unknown); errors as ConfigError."""
    from kuzet.ingest.source import SampledFrame, SourceConfig, StreamSource
    from kuzet.ingest.status import StreamError

    if not video.is_file():
        raise ConfigError(f"{video}: video file not found")
    try:
        with StreamSource(SourceConfig(url=str(video), detect_fps=fps), packets=False) as source:
            stream = source.video_stream
            duration = (
                float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
            )
            if max_seconds is not None:
                duration = max_seconds if duration is None else min(duration, max_seconds)
            for item in source.read():
                if not isinstance(item, SampledFrame):
                    continue
                if max_seconds is not None and item.stream_time_s > max_seconds:
                    return
                yield item, duration
    except StreamError as exc:
        raise ConfigError(f"{video}: cannot read the video: {exc.message}") from None


def analyze(
    video: Path = typer.Argument(..., help="A video file (mp4, mkv, avi...)"),
    site: Path | None = typer.Option(None, help="Site file whose zones and rules apply (with --camera)"),
    camera: str | None = typer.Option(None, help="Camera of the site file the video comes from"),
    detector: str = typer.Option(
        "auto", help="auto (nanodet if installed, else opencv_hog), nanodet, opencv_hog"
    ),
    fps: float = typer.Option(5.0, min=0.1, max=60.0, help="Frames per second to analyse"),
    max_seconds: float | None = typer.Option(None, min=0.0, help="Stop after this much video"),
) -> None:
    """Detect, track and apply a camera's rules on a video file; JSON lines on stdout."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kuzet.config.site import load_site
    from kuzet.vision.pipeline import AnalyticsPipeline, TrackLog

    if (site is None) != (camera is None):
        raise ConfigError("give --site and --camera together (or neither, to list the tracked objects)")
    site_config = load_site(site) if site is not None else None
    if site_config is not None and camera not in {c.id for c in site_config.cameras}:
        known = ", ".join(c.id for c in site_config.cameras) or "none"
        raise ConfigError(f"{site}: unknown camera {camera!r} (cameras: {known})")
    model = choose_detector(detector)
    log = TrackLog(model.classes)
    pipeline: AnalyticsPipeline | None = None
    hits = 0
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[at]}"))
    with Progress(*columns, TimeElapsedColumn(), console=stderr, transient=True) as progress:
        task = progress.add_task(f"analysing {video.name}", total=None, at="")
        for frame, duration in frames(video, fps, max_seconds):
            if pipeline is None:
                size = (frame.image.shape[1], frame.image.shape[0])
                rules = camera_rules(site_config, str(camera), size) if site_config is not None else None
                pipeline = AnalyticsPipeline(model, rules, size)
            output = pipeline.process(frame.image, frame.stream_time_s)
            log.add(output.tracked, frame.stream_time_s)
            for hit in output.hits:
                emit(hit_record(str(camera), hit))
            hits += len(output.hits)
            progress.update(
                task, total=duration, completed=frame.stream_time_s, at=f"{frame.stream_time_s:.1f} s"
            )
    if pipeline is None:
        raise KuzetError(f"{video}: no video frames could be decoded")
    if site_config is None:
        for track in log.tracks():
            emit(
                {
                    "track_id": track.track_id,
                    "class": track.class_name,
                    "first_s": round(track.first_s, 3),
                    "last_s": round(track.last_s, 3),
                    "path": [[round(t, 3), x, y] for t, x, y in track.full_path()],
                }
            )
        stderr.print(f"{len(log.records)} tracked objects", highlight=False)
    else:
        stderr.print(f"{hits} rule hits", highlight=False)
