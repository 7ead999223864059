"""accuracy with real detectors: recall/precision per kind on composed frames, rules P/R with NanoDet"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.bench_detectors import nanodet_model
from bench.common import BenchRow
from kuzet.adapters.models.loader import load_onnx
from kuzet.sim.detector_eval import (
    EvalFrame,
    Tally,
    detect_all,
    evaluate,
    people_frames,
    pickup_truck_sprite,
    vehicle_frames,
    vtest_people_frames,
)
from kuzet.sim.scenarios import SCENARIOS, Score, run_scenario, score
from kuzet.sim.scenes import VTEST_PATH, SceneAssets, load_assets
from kuzet.vision.detectors.base import Detector
from kuzet.vision.detectors.nanodet import NanoDet, NanoDetConfig
from kuzet.vision.detectors.opencv_hog import OpenCvHog, OpenCvHogConfig
from kuzet.vision.tracking import TrackerSettings

GOAL = 0.9
PEOPLE_FRAMES, VEHICLE_FRAMES, HOG_FRAMES = 40, 30, 20
VTEST_FRAMES = list(range(10, 795, 25))  # 32 real frames, 2.5 s apart
RULE_SEEDS = range(2)  # scenes per rule with NanoDet (each runs the detector on every gated frame)
_TRACKER = TrackerSettings()
# The score a detection needs to start a track, per kind: vehicles are "lenient" classes (lower scores).
TRACK_START = {
    "person": _TRACKER.new_track_threshold,
    "vehicle": round(_TRACKER.new_track_threshold - _TRACKER.lenient_offset, 2),
}


def tally_rows(detector: str, kind: str, frames: str, tally: Tally, note: str = "") -> list[BenchRow]:
    counts = f"{tally.truths} {kind}s in {frames}"
    errors = f"{tally.false} false ({tally.duplicates} duplicates)"
    return [
        BenchRow(f"{detector} {kind} recall", tally.recall, "", f"{counts}; {note}".rstrip("; ")),
        BenchRow(f"{detector} {kind} precision", tally.precision, "", errors),
    ]


def nanodet_rows(detector: Detector, assets: SceneAssets, real: Sequence[EvalFrame]) -> list[BenchRow]:
    people = people_frames(assets, PEOPLE_FRAMES, seed=0)
    truck = pickup_truck_sprite()
    vehicles = vehicle_frames(
        [assets.vehicle, *([truck] if truck else [])], assets.background, VEHICLE_FRAMES, 1
    )
    rows: list[BenchRow] = []
    for kind, frames, what in (
        ("person", people, f"{PEOPLE_FRAMES} composed frames"),
        ("vehicle", vehicles, f"{VEHICLE_FRAMES} composed frames ({'van, pickup' if truck else 'van only'})"),
    ):
        found = detect_all(detector, frames)
        starting = evaluate(frames, found, min_confidence=TRACK_START[kind])[kind].recall
        rows += tally_rows(
            "nanodet",
            kind,
            what,
            evaluate(frames, found)[kind],
            f"{starting:.2f} scoring ≥ {TRACK_START[kind]} (can start a track)",
        )
    on_real = evaluate(real, detect_all(detector, real))["person"]
    rows.append(
        BenchRow(
            "nanodet person recall, real vtest frames", on_real.recall, "", vtest_note(on_real, len(real))
        )
    )
    return rows


def hog_rows(assets: SceneAssets, real: Sequence[EvalFrame]) -> list[BenchRow]:
    hog = OpenCvHog(OpenCvHogConfig())
    people = people_frames(assets, HOG_FRAMES, seed=0)
    found = detect_all(hog, people)
    loose = evaluate(people, found, iou_threshold=0.3)["person"].recall
    rows = tally_rows(
        "opencv_hog", "person", f"{HOG_FRAMES} composed frames", evaluate(people, found)["person"]
    )
    rows[0] = BenchRow(
        rows[0].name, rows[0].value, "", f"{rows[0].note}; {loose:.2f} at IoU ≥ 0.3 (loose windows)"
    )
    on_real = evaluate(real, detect_all(hog, real))["person"]
    rows.append(
        BenchRow(
            "opencv_hog person recall, real vtest frames", on_real.recall, "", vtest_note(on_real, len(real))
        )
    )
    return rows


def vtest_note(tally: Tally, frames: int) -> str:
    return f"{tally.truths} isolated walking people in {frames} frames (background difference); recall only"


def rule_rows(detector: Detector, assets: SceneAssets) -> list[BenchRow]:
    rows = []
    for name, build in SCENARIOS.items():
        total, started = Score(), time.perf_counter()
        for seed in RULE_SEEDS:
            scenario = build(assets, seed)
            total.add(score(scenario, run_scenario(scenario, detector)))
        counts = f"TP {total.true_positives}, FP {total.false_positives}, FN {total.false_negatives}"
        seconds = time.perf_counter() - started
        rows.append(BenchRow(f"{name} precision, nanodet", total.precision, "", f"goal ≥ {GOAL}; {counts}"))
        rows.append(
            BenchRow(
                f"{name} recall, nanodet",
                total.recall,
                "",
                f"{len(RULE_SEEDS)} scenes, motion-gated, {seconds:.0f} s",
            )
        )
    return rows


def run() -> list[BenchRow]:
    assets = load_assets(VTEST_PATH)
    real = vtest_people_frames(VTEST_PATH, assets.background, VTEST_FRAMES)
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as folder:
        path, where = nanodet_model(Path(folder))
        if path is None:
            rows.append(BenchRow("nanodet", float("nan"), "", where))
        else:
            nanodet = NanoDet.from_config(NanoDetConfig(model=path, threads=2), load_onnx)
            rows += nanodet_rows(nanodet, assets, real)
            rows += rule_rows(nanodet, assets)
    return rows + hog_rows(assets, real)
