"""NanoDet, installed for real, on frames whose every person and vehicle is known, and driving a rule.

The thresholds are the measured values less a margin (see ``python -m bench accuracy``): a drop below
them means the detector, its pre-processing or the model conversion got worse.
"""

from __future__ import annotations

import pytest

from kuzet.adapters.models.install import InstallResult
from kuzet.adapters.models.loader import load_onnx
from kuzet.sim.detector_eval import detect_all, evaluate, people_frames, pickup_truck_sprite, vehicle_frames
from kuzet.sim.scenarios import SCENARIOS, run_scenario, score
from kuzet.sim.scenes import SceneAssets, load_assets
from kuzet.vision.detectors.nanodet import NanoDet, NanoDetConfig
from tests.unit.vision.analytics.conftest import require_vtest


@pytest.fixture(scope="module")
def nanodet(installed: InstallResult) -> NanoDet:
    return NanoDet.from_config(NanoDetConfig(model=installed.model, threads=2), load_onnx)


@pytest.fixture(scope="module")
def assets() -> SceneAssets:
    return load_assets(require_vtest())


def test_nanodet_finds_people(nanodet: NanoDet, assets: SceneAssets) -> None:
    """Measured on these 20 frames (84 people, 50-170 px tall, some partly overlapping): recall 1.0,
    precision 0.88 (most false ones: a sign and a stone in the background taken for people)."""
    frames = people_frames(assets, 20, seed=0)
    tally = evaluate(frames, detect_all(nanodet, frames))["person"]
    assert tally.truths >= 80
    assert tally.recall >= 0.9
    assert tally.precision >= 0.75


def test_nanodet_finds_vehicles(nanodet: NanoDet, assets: SceneAssets) -> None:
    """Measured on these 15 frames (33 of vtest's van and darknet's pickup): recall 0.97, precision 0.84
    (4 of the 6 false ones are the same vehicle reported as both car and truck)."""
    truck = pickup_truck_sprite()
    frames = vehicle_frames([assets.vehicle, *([truck] if truck else [])], assets.background, 15, seed=1)
    tally = evaluate(frames, detect_all(nanodet, frames))["vehicle"]
    assert tally.truths >= 25
    assert tally.recall >= 0.85
    assert tally.precision >= 0.7


def test_line_crossing_with_nanodet_through_the_gated_pipeline(nanodet: NanoDet, assets: SceneAssets) -> None:
    """Four people cross the line, two pass it by: every crossing reported, in the right direction."""
    scenario = SCENARIOS["line_crossing"](assets, 0)
    result = score(scenario, run_scenario(scenario, nanodet))
    assert result.true_positives == len(scenario.scene.expected) == 4
    assert result.precision >= 0.9
    assert result.recall >= 0.9
