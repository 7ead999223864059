"""Camera health on real footage (vtest.avi) with generated faults: each fault is reported within the
hysteresis window and cleared after it ends, healthy footage raises nothing, one bad frame never flaps.

The footage comes from Debian's ``opencv-doc``; without it these tests skip, except under ``CI=true``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from pydantic import ValidationError

from kuzet.adapters.bus import codec
from kuzet.domain.fleet.health import CameraHealthChanged, HealthChange, HealthCondition
from kuzet.domain.offenses import OffenseCategory, OffenseTaxonomy
from kuzet.vision.health import CameraHealthConfig, CameraHealthMonitor
from kuzet.vision.health_checks import analysis_frame

VIDEO = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
FPS = 5.0  # evaluation rate; vtest runs at 10 fps
WARMUP, FAULT, RECOVERY = 30, 40, 30
SLACK_S = 2 / FPS  # two evaluations of scheduling slack on top of the configured windows

Frame = NDArray[np.uint8]
Fault = Callable[[Frame, int], Frame]
C = HealthCondition


def _require_footage() -> None:
    if VIDEO.exists():
        return
    message = f"{VIDEO} is missing (Debian package opencv-doc)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _read(step: int, limit: int | None = None) -> Iterator[Frame]:
    capture = cv2.VideoCapture(str(VIDEO))
    index = kept = 0
    try:
        while limit is None or kept < limit:
            ok, frame = capture.read()
            if not ok:
                return
            if index % step == 0:
                kept += 1
                yield np.asarray(frame, np.uint8)
            index += 1
    finally:
        capture.release()


@pytest.fixture(scope="module")
def clip() -> list[Frame]:
    """The first 20 s of the footage at 5 fps: warm-up, fault and recovery."""
    _require_footage()
    frames = list(_read(step=2, limit=WARMUP + FAULT + RECOVERY))
    assert len(frames) == WARMUP + FAULT + RECOVERY
    return frames


# Generated faults, each well inside the ranges the bench documents (bench/bench_health.py).
def _noise(frame: NDArray[np.uint8] | NDArray[np.floating[Any]], sigma: float, seed: int) -> Frame:
    noise = np.random.default_rng(seed).normal(0, sigma, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def hand_over_lens(frame: Frame, index: int) -> Frame:
    """A dark, softly shaded blob over 95 % of the view, as a hand close to the lens looks."""
    height, width = frame.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = ((xx - width * 0.45) / width) ** 2 + ((yy - height * 0.55) / height) ** 2
    mask = cv2.GaussianBlur((distance <= np.quantile(distance, 0.95)).astype(np.float32), (0, 0), 12)[
        ..., None
    ]
    skin = (15 + 20 * xx / width)[..., None] * np.array([0.8, 0.9, 1.1], np.float32)
    return _noise(frame * (1 - mask) + skin * mask, 2.0, index)


def blacked_out(frame: Frame, index: int) -> Frame:
    return np.zeros_like(frame)


def defocused(frame: Frame, index: int) -> Frame:
    return np.asarray(cv2.GaussianBlur(frame, (0, 0), 3.0), np.uint8)


def make_frozen() -> Fault:
    """The first fault frame again and again, with fresh noise and JPEG re-encoding each time."""
    held: list[Frame] = []

    def frozen(frame: Frame, index: int) -> Frame:
        if index == 0:
            held.append(frame)
        encoded = cv2.imencode(".jpg", _noise(held[0], 2.0, index), [cv2.IMWRITE_JPEG_QUALITY, 75])[1]
        return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR), np.uint8)

    return frozen


def _warp(frame: Frame, shift_x: float, shift_y: float, degrees: float) -> Frame:
    height, width = frame.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    matrix[:, 2] += (shift_x * width, shift_y * width)
    return np.asarray(
        cv2.warpAffine(frame, matrix, (width, height), borderMode=cv2.BORDER_REFLECT_101), np.uint8
    )


def knocked_aside(frame: Frame, index: int) -> Frame:
    return _warp(frame, 0.08, -0.03, 5.0)


def turned(frame: Frame, index: int) -> Frame:
    return _warp(frame, 0.0, 0.0, -6.0)


def too_dark(frame: Frame, index: int) -> Frame:
    return _noise(frame * 0.2, 2.0, index)


FAULTS: list[tuple[HealthCondition, Callable[[], Fault]]] = [
    (C.COVERED, lambda: hand_over_lens),
    (C.COVERED, lambda: blacked_out),
    (C.DEFOCUSED, lambda: defocused),
    (C.FROZEN, make_frozen),
    (C.MOVED, lambda: knocked_aside),
    (C.MOVED, lambda: turned),
    (C.TOO_DARK, lambda: too_dark),
]
FAULT_IDS = ["covered-hand", "covered-black", "defocused", "frozen", "moved-slid", "moved-turned", "too-dark"]


def run(
    monitor: CameraHealthMonitor, frames: list[Frame], fault: Fault, start: int, stop: int
) -> list[tuple[int, HealthChange]]:
    """Evaluate ``frames`` at 5 fps with ``fault`` applied to steps [start, stop); the changes by step."""
    changes = []
    for step, frame in enumerate(frames):
        shown = fault(frame, step - start) if start <= step < stop else frame
        change = monitor.evaluate(shown, step / FPS)
        if change is not None:
            changes.append((step, change))
    return changes


@pytest.mark.parametrize(("condition", "make_fault"), FAULTS, ids=FAULT_IDS)
def test_a_fault_is_reported_within_the_hysteresis_window_and_cleared_after_it(
    clip: list[Frame], condition: HealthCondition, make_fault: Callable[[], Fault]
) -> None:
    monitor = CameraHealthMonitor("st-001")
    changes = run(monitor, clip, make_fault(), WARMUP, WARMUP + FAULT)

    assert [(c.previous, c.condition) for _, c in changes] == [(C.OK, condition), (condition, C.OK)]
    (entered_step, entered), (cleared_step, cleared) = changes
    hysteresis = monitor.config.hysteresis
    enter_s = hysteresis.enter_seconds
    if condition is C.FROZEN:  # the first repeated frame is the second fault frame
        enter_s = monitor.config.frozen.hold_seconds + 1 / FPS
    fault_start, fault_end = WARMUP / FPS, (WARMUP + FAULT) / FPS
    assert fault_start + enter_s - 1e-9 <= entered_step / FPS <= fault_start + enter_s + SLACK_S
    assert fault_start <= entered.since <= fault_start + 1 / FPS + 1e-9
    assert entered.camera_id == "st-001"
    assert entered.detail
    assert fault_end + hysteresis.clear_seconds - 1e-9 <= cleared_step / FPS
    assert cleared_step / FPS <= fault_end + hysteresis.clear_seconds + SLACK_S
    assert cleared.since == pytest.approx(fault_end)
    assert monitor.condition is C.OK


def test_the_whole_healthy_clip_raises_nothing() -> None:
    _require_footage()
    monitor = CameraHealthMonitor("st-001")
    evaluated = 0
    for step, frame in enumerate(_read(step=2)):
        assert monitor.evaluate(frame, step / FPS) is None, f"false alarm at {step / FPS:.1f} s"
        evaluated += 1
    assert evaluated > 390
    assert monitor.baseline is not None, "the checks that need a baseline never armed"
    reading = monitor.last_reading
    assert reading is not None
    assert reading.raw == frozenset()
    assert reading.sharpness_ratio == pytest.approx(1.0, abs=0.15)


GLITCHES: list[tuple[str, Fault]] = [
    ("black", blacked_out),
    ("blurred", defocused),
    ("shifted", knocked_aside),
    ("dark", too_dark),
]


@pytest.mark.parametrize("length", [1, 4])
@pytest.mark.parametrize("glitch", [g for _, g in GLITCHES], ids=[name for name, _ in GLITCHES])
def test_a_short_glitch_does_not_flap(clip: list[Frame], glitch: Fault, length: int) -> None:
    """A few bad frames (a decoder hiccup, an insect, a flash) are shorter than the enter window."""
    monitor = CameraHealthMonitor("st-001")
    flagged = []
    for step, frame in enumerate(clip[: WARMUP + 20]):
        bad = WARMUP <= step < WARMUP + length
        assert monitor.evaluate(glitch(frame, 0) if bad else frame, step / FPS) is None
        reading = monitor.last_reading
        assert reading is not None
        if bad:
            flagged.append(reading.raw)
    assert all(flagged), "each glitch frame was seen as faulty, yet not reported"
    assert monitor.condition is C.OK


def test_a_clean_frame_inside_a_fault_does_not_clear_it(clip: list[Frame]) -> None:
    monitor = CameraHealthMonitor("st-001")

    def covered_but_one(frame: Frame, index: int) -> Frame:
        return frame if index == 20 else blacked_out(frame, index)

    changes = run(monitor, clip, covered_but_one, WARMUP, WARMUP + FAULT)
    assert [c.condition for _, c in changes] == [C.COVERED, C.OK]
    assert changes[1][0] >= WARMUP + FAULT


def test_offline_after_silence_and_back_with_the_next_frame(clip: list[Frame]) -> None:
    monitor = CameraHealthMonitor("st-001", CameraHealthConfig(offline_after_s=10))
    for step in range(5):
        monitor.evaluate(clip[step], float(step))
    assert monitor.tick(4.0 + 9.9) is None

    change = monitor.tick(4.0 + 10.0)
    assert change is not None
    assert (change.previous, change.condition, change.since) == (C.OK, C.OFFLINE, 4.0)
    assert monitor.tick(30.0) is None, "offline is reported once, not on every tick"

    back = monitor.evaluate(clip[5], 31.0)
    assert back is not None
    assert (back.previous, back.condition) == (C.OFFLINE, C.OK)
    assert monitor.active == frozenset()


def test_a_camera_that_never_sent_a_frame_goes_offline() -> None:
    monitor = CameraHealthMonitor("st-001")
    assert monitor.tick(100.0) is None
    change = monitor.tick(110.0)
    assert change is not None
    assert change.condition is C.OFFLINE


def test_offline_hides_a_held_condition_and_reveals_it_again(clip: list[Frame]) -> None:
    monitor = CameraHealthMonitor("st-001")
    run(monitor, clip[: WARMUP + 20], blacked_out, WARMUP, WARMUP + 20)
    assert monitor.condition is C.COVERED
    last = (WARMUP + 19) / FPS
    offline = monitor.tick(last + 60)
    assert offline is not None
    assert (offline.previous, offline.condition) == (C.COVERED, C.OFFLINE)
    back = monitor.evaluate(blacked_out(clip[0], 0), last + 61)
    assert back is not None
    assert (back.previous, back.condition) == (C.OFFLINE, C.COVERED)


def test_rereference_accepts_a_new_view(clip: list[Frame]) -> None:
    monitor = CameraHealthMonitor("st-001")
    changes = run(monitor, clip[: WARMUP + 20], knocked_aside, WARMUP, WARMUP + 20)
    assert monitor.condition is C.MOVED, changes

    monitor.rereference()
    assert monitor.baseline is None
    later = [(step, knocked_aside(frame, 0)) for step, frame in enumerate(clip[WARMUP + 20 :], WARMUP + 20)]
    reported = [monitor.evaluate(frame, step / FPS) for step, frame in later]
    assert [(c.previous, c.condition) for c in reported if c is not None] == [(C.MOVED, C.OK)]
    assert monitor.baseline is not None, "the new view was learned as the reference"


def test_a_resolution_change_relearns_instead_of_alarming(clip: list[Frame]) -> None:
    monitor = CameraHealthMonitor("st-001")
    assert run(monitor, clip[:WARMUP], blacked_out, 0, 0) == []
    assert monitor.baseline is not None
    before = monitor.baseline.reference.shape
    for step, frame in enumerate(clip[WARMUP:], WARMUP):
        assert monitor.evaluate(np.asarray(cv2.resize(frame, (1280, 720)), np.uint8), step / FPS) is None
    assert monitor.baseline is not None
    assert monitor.baseline.reference.shape != before


def test_gray_frames_are_accepted_and_wrong_ones_refused(clip: list[Frame]) -> None:
    gray = np.asarray(cv2.cvtColor(clip[0], cv2.COLOR_BGR2GRAY), np.uint8)
    assert analysis_frame(gray, 320).fine.shape == (240, 320)
    with pytest.raises(ValueError, match=r"\(10, 10, 4\) uint8"):
        analysis_frame(np.zeros((10, 10, 4), np.uint8), 320)
    with pytest.raises(ValueError, match=r"\(10, 10, 3\) float32"):
        analysis_frame(cast(Frame, np.zeros((10, 10, 3), np.float32)), 320)


def test_the_config_refuses_unknown_keys_and_names_the_path() -> None:
    with pytest.raises(ValidationError, match=r"frozen\.hold_second"):
        CameraHealthConfig.model_validate({"frozen": {"hold_second": 3}})
    with pytest.raises(ValidationError, match=r"too_dark\.max_mean_luma"):
        CameraHealthConfig.model_validate({"too_dark": {"max_mean_luma": 300}})
    assert CameraHealthConfig.model_validate({"frozen": {"hold_seconds": 8}}).frozen.hold_seconds == 8


def test_every_condition_but_ok_is_a_camera_offense() -> None:
    taxonomy = OffenseTaxonomy.default()
    for condition in HealthCondition:
        code = condition.offense_code
        if condition is C.OK:
            assert code is None
            continue
        assert code is not None
        assert taxonomy[code].category is OffenseCategory.CAMERA
    assert {c.offense_code for c in HealthCondition} - {None} == {
        o.code for o in taxonomy.in_category(OffenseCategory.CAMERA)
    }


def test_a_change_travels_the_bus_as_a_past_tense_event() -> None:
    change = HealthChange("st-001", C.MOVED, C.OK, 1_700_000_000.5, "view shifted 8.0% of the width")
    event = change.to_event()
    decoded = codec.decode(codec.encode(event))
    assert isinstance(decoded, CameraHealthChanged)
    assert decoded == event
    assert decoded.condition is C.MOVED
    assert decoded.since.timestamp() == pytest.approx(1_700_000_000.5)
    assert CameraHealthChanged.topic() == "events.camera_health_changed"
