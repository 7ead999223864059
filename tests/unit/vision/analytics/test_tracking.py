"""The tracker: stable ids through crossings, misses and jitter; births, deaths, stationarity, history."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from kuzet.vision.detections import Detections, box_iou
from kuzet.vision.tracking import ByteTracker, TrackerSettings

Box = tuple[float, float, float, float]


def frame(
    *boxes: tuple[float, float, float, float], confidence: float = 0.9, classes: list[int] | None = None
) -> Detections:
    return Detections.from_arrays(
        np.reshape(boxes, (-1, 4)), [confidence] * len(boxes), classes or [0] * len(boxes)
    )


def box(x: float, y: float, w: float = 40, h: float = 100) -> Box:
    return (x - w / 2, y - h, x + w / 2, y)


def ids_by_truth(
    tracker: ByteTracker, truth: Sequence[Box], out: Detections, seen: dict[int, set[int]]
) -> None:
    """Record which tracker ids each true object received (matched by IoU)."""
    if out.tracker_id is None or not len(out):
        return
    iou = box_iou(np.asarray(truth, np.float32), out.xyxy)
    for obj, row in enumerate(iou):
        if row.max() > 0.5:
            seen.setdefault(obj, set()).add(int(out.tracker_id[row.argmax()]))


def test_two_objects_crossing_paths_keep_their_ids() -> None:
    tracker, seen = ByteTracker(), dict[int, set[int]]()
    for f in range(70):
        a, b = box(100 + 8 * f, 500), box(660 - 8 * f, 505, h=110)
        out = tracker.update(frame(a, b), f / 10)
        ids_by_truth(tracker, [a, b], out, seen)
    assert seen == {0: {1}, 1: {2}}


def test_a_few_missed_frames_keep_the_id() -> None:
    tracker = ByteTracker()
    ids = []
    for f in range(40):
        dets = frame(box(100 + 6 * f, 500)) if not 15 <= f < 22 else Detections.empty()
        out = tracker.update(dets, f / 10)
        if out.tracker_id is not None:
            ids += out.tracker_id.tolist()
    assert set(ids) == {1}
    assert len(ids) == 40 - 7 - 2  # all but the missed frames and the two before confirmation


def test_a_new_object_gets_a_new_id_and_an_ended_track_is_announced() -> None:
    tracker = ByteTracker(TrackerSettings(lost_frames=5))
    for f in range(10):
        tracker.update(frame(box(100, 500)), f / 10)
    for f in range(10, 17):
        tracker.update(Detections.empty(), f / 10)
    assert tracker.state.ended.tolist() == [] or 1 in tracker.state.ended.tolist()
    ended = []
    for f in range(17, 30):
        out = tracker.update(frame(box(100, 500), box(600, 500)), f / 10)
        ended += tracker.state.ended.tolist()
    assert out.tracker_id is not None
    assert sorted(out.tracker_id.tolist()) == [2, 3]


def test_track_ends_after_its_lost_buffer() -> None:
    tracker = ByteTracker(TrackerSettings(lost_frames=5))
    for f in range(5):
        tracker.update(frame(box(100, 500)), f / 10)
    ended = []
    for f in range(5, 15):
        tracker.update(Detections.empty(), f / 10)
        ended += tracker.state.ended.tolist()
    assert ended == [1]
    assert len(tracker.state) == 0


def test_ids_are_stable_under_jitter_misses_and_low_confidence() -> None:
    rng = np.random.default_rng(3)
    tracker, seen = ByteTracker(), dict[int, set[int]]()
    start = np.array([[100, 300], [300, 600], [500, 400], [700, 700], [900, 300]], np.float64)
    velocity = rng.uniform(-6, 6, start.shape)
    for f in range(150):
        centre = start + velocity * f
        truth = [box(x, y) for x, y in centre]
        noisy = np.array(truth) + rng.normal(0, 3, (5, 4))
        keep = rng.random(5) > 0.1
        confidence = np.where(rng.random(5) < 0.2, 0.3, 0.85)[keep]
        out = tracker.update(Detections.from_arrays(noisy[keep], confidence, np.zeros(keep.sum())), f / 10)
        ids_by_truth(tracker, truth, out, seen)
    assert all(len(ids) == 1 for ids in seen.values()), seen
    assert len(seen) == 5


def test_low_confidence_detections_extend_tracks_but_never_start_one() -> None:
    tracker = ByteTracker()
    for f in range(10):
        assert len(tracker.update(frame(box(500, 500), confidence=0.3), f / 10)) == 0
    for f in range(10, 15):
        tracker.update(frame(box(100 + 5 * f, 300)), f / 10)
    out = tracker.update(frame(box(175, 300), confidence=0.3), 1.5)
    assert out.tracker_id is not None
    assert out.tracker_id.tolist() == [1]


def test_classes_do_not_mix() -> None:
    tracker = ByteTracker()
    for f in range(5):
        tracker.update(frame(box(100, 500), classes=[0]), f / 10)
    out = tracker.update(frame(box(100, 500), classes=[2]), 0.5)
    assert len(out) == 0  # a car where the person was is a new, tentative track
    assert tracker.state.visible.tolist() == [False]


CAR, MOTORCYCLE, TRUCK, PERSON = 2, 3, 7, 0


def test_a_vehicle_that_flickers_between_car_and_truck_keeps_its_id() -> None:
    tracker = ByteTracker()
    ids = set()
    for f in range(12):
        out = tracker.update(frame(box(100 + 8 * f, 300, 120, 80), classes=[(CAR, TRUCK)[f % 2]]), f / 10)
        if out.tracker_id is not None:
            ids |= set(out.tracker_id.tolist())
    assert ids == {1}


def test_vehicles_start_tracks_at_scores_people_do_not() -> None:
    tracker = ByteTracker()  # new tracks need 0.6; vehicles 0.45 (small detectors score them lower)
    for f in range(5):
        out = tracker.update(
            frame(box(100 + 5 * f, 300), box(400, 300, 120, 80), confidence=0.5, classes=[PERSON, CAR]),
            f / 10,
        )
    assert out.class_id.tolist() == [CAR]
    strict = ByteTracker(TrackerSettings(lenient_classes=()))
    for f in range(5):
        out = strict.update(frame(box(400, 300, 120, 80), confidence=0.5, classes=[CAR]), f / 10)
    assert len(out) == 0


def test_one_van_boxed_as_car_and_truck_is_one_track() -> None:
    tracker = ByteTracker()
    for f in range(8):
        van = box(300 + 4 * f, 300, 140, 90)
        shifted = (van[0] + 3, van[1] + 2, van[2] + 3, van[3] + 2)
        out = tracker.update(frame(van, shifted, confidence=0.7, classes=[CAR, TRUCK]), f / 10)
    assert out.tracker_id is not None
    assert out.tracker_id.tolist() == [1]
    assert len(tracker.state.tracker_id) == 1
    motorbike = ByteTracker()  # not of the car kind: a motorcycle beside a car is a second object
    for f in range(5):
        out = motorbike.update(
            frame(box(300, 300, 140, 90), box(303, 302, 140, 90), classes=[CAR, MOTORCYCLE]), f
        )
    assert sorted(out.class_id.tolist()) == [CAR, MOTORCYCLE]


def test_tracks_outside_the_detector_regions_are_not_aged() -> None:
    tracker = ByteTracker(TrackerSettings(lost_frames=5))
    for f in range(5):
        tracker.update(frame(box(100, 500)), f / 10)
    elsewhere = np.array([[500, 0, 900, 400]], np.float32)
    for f in range(5, 100):
        tracker.update(Detections.empty(), f / 10, regions=elsewhere)
    assert tracker.state.tracker_id.tolist() == [1]
    assert tracker.state.visible.tolist() == [True]
    out = tracker.update(frame(box(100, 500)), 10.0)
    assert out.tracker_id is not None
    assert out.tracker_id.tolist() == [1]


def test_a_track_that_left_the_frame_ends_although_the_detector_does_not_look_there() -> None:
    settings = TrackerSettings(lost_frames=5)
    kept, knows_frame = ByteTracker(settings), ByteTracker(settings, frame_size=(640, 480))
    for tracker in (kept, knows_frame):
        for f in range(10):  # walking right at 15 px a frame, out of the frame after x = 640
            tracker.update(frame(box(560 + 15 * f, 300)), f / 10)
        elsewhere = np.array([[0, 0, 200, 200]], np.float32)
        for f in range(10, 30):
            tracker.update(Detections.empty(), f / 10, regions=elsewhere)
    assert kept.state.tracker_id.tolist() == [1]  # never looked at, never aged
    assert knows_frame.state.tracker_id.tolist() == []


def test_stationary_flag_history_and_displacement() -> None:
    tracker = ByteTracker()
    for f in range(60):  # walks 6 s at 50 px/s, then stands
        x = 100 + 5 * min(f, 30)
        tracker.update(frame(box(x, 500)), f / 10)
        if f == 29:
            assert not tracker.state.stationary[0]
    state = tracker.state
    assert state.stationary.tolist() == [True]
    assert state.stationary_since[0] == pytest.approx(3.0, abs=1.0)
    assert state.first_seen[0] == 0.0
    assert state.last_seen[0] == pytest.approx(5.9)
    history = state.history(1)
    assert history.shape == (60, 3)
    assert history[0].tolist() == [0.0, 100.0, 500.0]
    assert np.all(np.diff(history[:, 0]) > 0)
    moved, seconds = state.displacement(1.0)
    assert moved.tolist() == [[0.0, 0.0]]
    assert seconds[0] == pytest.approx(1.0)
    with pytest.raises(KeyError):
        state.history(99)


def test_history_is_a_bounded_ring() -> None:
    tracker = ByteTracker(TrackerSettings(history_length=16))
    for f in range(40):
        tracker.update(frame(box(100 + f, 500)), f / 10)
    history = tracker.state.history(1)
    assert len(history) == 16
    assert history[-1].tolist() == pytest.approx([3.9, 139.0, 500.0])
    assert history[0, 0] == pytest.approx(2.4)


def test_a_briefly_missed_track_is_still_present() -> None:
    tracker = ByteTracker()
    for f in range(5):
        tracker.update(frame(box(100, 500)), f / 10)
    tracker.update(Detections.empty(), 0.5)
    tracker.update(Detections.empty(), 0.6)
    state = tracker.state
    assert state.visible.tolist() == [False]
    assert state.present(0.5).tolist() == [True]
    assert state.present(0.1).tolist() == [False]
