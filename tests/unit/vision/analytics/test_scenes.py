"""The composed-scene harness: real pedestrian pixels, truthful boxes, a faulty oracle, a scored run.

Lives with the analytics tests because it needs the same footage fixture (vtest.avi).
"""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.sim.scenarios import EPOCH, SCENARIOS, run_scenario, score
from kuzet.sim.scenes import PERSON, Actor, OracleDetector, Scene, SceneAssets, synthetic_vehicle_sprite
from kuzet.vision.detections import Detections
from kuzet.vision.rules.base import RuleHit


def test_sprites_are_real_cut_out_people(scene_assets: SceneAssets) -> None:
    assert len(scene_assets.pedestrians) >= 12
    for sprite in scene_assets.pedestrians:
        width, height = sprite.size
        assert 70 <= height <= 170
        assert height / width >= 1.6
        assert height / width <= 4.5
        assert 0.45 <= sprite.mask.mean() <= 1.0
        assert sprite.image[sprite.mask].std() > 10  # textured pixels, not a flat fill
    assert scene_assets.vehicle_is_real  # the van parked in vtest's background
    assert scene_assets.vehicle.size[0] > scene_assets.vehicle.size[1]


def test_render_pastes_sprites_where_the_truth_says(scene_assets: SceneAssets) -> None:
    sprite = scene_assets.pedestrians[0]
    actor = Actor(7, sprite, ((0.0, 100.0, 400.0), (2.0, 300.0, 400.0)))
    scene = Scene("one", scene_assets.background, (actor,), duration=2.0, noise=0.0)
    frame, truth = scene.render(1.0)
    assert truth.tracker_id is not None
    assert truth.tracker_id.tolist() == [7]
    x1, y1, x2, y2 = truth.xyxy[0].astype(int)
    assert ((x1 + x2) / 2, y2) == pytest.approx((200, 400), abs=1)
    assert (x2 - x1, y2 - y1) == sprite.size
    changed = np.abs(frame.astype(int) - scene_assets.background).max(axis=2) > 0
    assert changed[y1:y2, x1:x2].sum() == changed.sum() > 0  # only the sprite's box changed
    assert len(scene.render(3.0)[1]) == 0  # after its last waypoint the actor is gone


def test_oracle_sees_only_its_regions_and_fails_as_configured() -> None:
    truth = Detections.from_arrays(
        [[0, 0, 10, 30], [500, 500, 520, 560]], class_id=[PERSON, PERSON], tracker_id=[1, 2]
    )
    perfect = OracleDetector(jitter=0, miss_rate=0, low_confidence_rate=0, false_rate=0)
    seen = perfect.detect(truth, np.array([[400, 400, 600, 600]]), (800, 600))
    assert seen.xyxy.tolist() == [[500, 500, 520, 560]]
    assert seen.tracker_id is None
    blind = OracleDetector(miss_rate=1.0, false_rate=0)
    assert len(blind.detect(truth, None, (800, 600))) == 0
    noisy = OracleDetector(false_rate=3.0, seed=1)
    counts = [len(noisy.detect(truth, None, (800, 600))) for _ in range(50)]
    assert np.mean(counts) > 3  # false boxes appear on top of the true ones


def test_synthetic_vehicle_sprite_is_a_car_shape() -> None:
    car = synthetic_vehicle_sprite(150, 80)
    assert car.size == (150, 80)
    assert 0.5 < car.mask.mean() < 0.95


@pytest.mark.parametrize("name", ["intrusion", "line_crossing"])
def test_a_scripted_scenario_scores_perfectly_with_a_perfect_detector(
    scene_assets: SceneAssets, name: str
) -> None:
    scenario = SCENARIOS[name](scene_assets, 0)
    run = run_scenario(
        scenario, OracleDetector(jitter=0.01, miss_rate=0, low_confidence_rate=0, false_rate=0)
    )
    result = score(scenario, run)
    assert result.true_positives == len(scenario.scene.expected) > 0
    assert result.false_positives == 0
    assert result.false_negatives == 0
    assert 0.02 < run.region_fraction < 0.5  # gating skipped most of the frame


def test_scoring_counts_a_missing_hit_and_a_wrong_one(scene_assets: SceneAssets) -> None:
    scenario = SCENARIOS["intrusion"](scene_assets, 0)
    run = run_scenario(scenario, OracleDetector(miss_rate=1.0, false_rate=0))  # the detector sees nothing
    assert score(scenario, run).recall == 0.0
    run.hits.append(
        RuleHit(
            rule_id="intrusion",
            code="intrusion",
            time=EPOCH + 0.1,
            confidence=0.9,
            track_ids=(1,),
            bbox=(0, 0, 9, 9),
        )
    )
    result = score(scenario, run)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (0, 1, 2)
    assert result.precision == 0.0
