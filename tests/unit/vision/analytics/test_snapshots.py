"""Evidence snapshots and clip references."""

from __future__ import annotations

from datetime import UTC, datetime

import cv2
import numpy as np
import pytest

from kuzet.vision.snapshots import ClipReference, render_snapshot


def test_snapshot_is_a_jpeg_with_the_box_drawn_and_the_frame_untouched() -> None:
    frame = np.full((480, 640, 3), 128, np.uint8)
    jpeg = render_snapshot(frame, [(100, 100, 200, 300)], ["intrusion #3"])
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    assert jpeg[:2] == b"\xff\xd8"
    assert image.shape == (480, 640, 3)
    b, g, r = image[200, 100].astype(int)  # on the box's left edge
    assert r > 200
    assert g < 80
    assert b < 80
    assert abs(int(image[200, 150, 2]) - 128) < 10  # inside the box: untouched
    assert int(image[85, 110, 2]) > 200  # the label's red background above the box
    assert (frame == 128).all()


def test_wide_frames_are_scaled_down_with_their_boxes() -> None:
    frame = np.zeros((1080, 1920, 3), np.uint8)
    image = cv2.imdecode(
        np.frombuffer(render_snapshot(frame, [(960, 540, 1200, 900)], max_width=960), np.uint8),
        cv2.IMREAD_COLOR,
    )
    assert image is not None
    assert image.shape == (540, 960, 3)
    assert image[350, 480, 2] > 200


def test_labels_must_match_boxes() -> None:
    with pytest.raises(ValueError, match="2 labels for 1 boxes"):
        render_snapshot(np.zeros((10, 10, 3), np.uint8), [(1, 1, 5, 5)], ["a", "b"])


def test_clip_reference_around_a_hit() -> None:
    hit_time = datetime(2024, 5, 1, 12, 0, tzinfo=UTC).timestamp()
    clip = ClipReference.around("street-0001", hit_time, before=10, after=20)
    assert clip.start == datetime(2024, 5, 1, 11, 59, 50, tzinfo=UTC)
    assert clip.seconds == 30
    with pytest.raises(ValueError, match="not after start"):
        ClipReference("street-0001", clip.end, clip.start)
