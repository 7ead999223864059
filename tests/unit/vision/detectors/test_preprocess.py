"""Regions, letterboxing and normalisation: network boxes must land back on the frame exactly."""

from __future__ import annotations

import numpy as np

from kuzet.vision.detectors.preprocess import Normalisation, frame_regions, letterbox, prepare_batch


def test_letterbox_keeps_the_aspect_ratio_and_centres() -> None:
    canvas, scale, (left, top) = letterbox(np.full((50, 200, 3), 255, np.uint8), (100, 100), fill=0)
    assert canvas.shape == (100, 100, 3)
    assert scale == 0.5
    assert (left, top) == (0, 37)
    assert canvas[36].max() == 0
    assert canvas[37].min() == 255
    assert canvas[61].min() == 255  # 25 rows: 37..61
    assert canvas[62].max() == 0


def test_regions_are_clipped_rounded_and_empty_ones_dropped() -> None:
    frame = np.zeros((100, 200, 3), np.uint8)
    np.testing.assert_array_equal(frame_regions(frame, None), [[0, 0, 200, 100]])
    regions = frame_regions(frame, [[-10, 5.4, 50, 300], [10, 10, 10, 50], [150, 20, 260, 20.2]])
    np.testing.assert_array_equal(regions, [[0, 5, 50, 100]])
    assert frame_regions(frame, np.empty((0, 4))).shape == (0, 4)


def test_to_frame_inverts_the_placement_of_each_region() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    regions = [[0, 0, 640, 480], [100, 50, 300, 450], [400, 300, 640, 360]]
    batch = prepare_batch(frame, regions, (320, 320), Normalisation.unit_rgb())
    assert batch.pixels.shape == (3, 3, 320, 320)
    for index, (x1, y1, x2, y2) in enumerate(regions):
        # The region's own corners, placed in the network, come back to the corners.
        scale = batch.scale[index]
        corners = np.array([[x1, y1, x2, y2]], np.float32) - np.tile(batch.origin[index], 2)
        np.testing.assert_allclose(batch.to_frame(index, corners * scale), [[x1, y1, x2, y2]], atol=1e-3)
        # Anything outside the region is clipped to it.
        np.testing.assert_allclose(
            batch.to_frame(index, np.array([[-50, -50, 400, 400]], np.float32)), [[x1, y1, x2, y2]]
        )


def test_normalisation_orders_channels_and_scales() -> None:
    frame = np.zeros((4, 4, 3), np.uint8)
    frame[..., 0], frame[..., 2] = 10, 250  # B = 10, R = 250
    rgb = prepare_batch(frame, None, (4, 4), Normalisation.unit_rgb()).pixels
    np.testing.assert_allclose(rgb[0, :, 0, 0], [250 / 255, 0, 10 / 255], rtol=1e-6)
    bgr = Normalisation(rgb=False, mean=(10.0, 0.0, 50.0), std=(2.0, 1.0, 100.0))
    np.testing.assert_allclose(prepare_batch(frame, None, (4, 4), bgr).pixels[0, :, 0, 0], [0, 0, 2])


def test_no_regions_make_an_empty_batch() -> None:
    batch = prepare_batch(np.zeros((10, 10, 3), np.uint8), [], (8, 8), Normalisation.unit_rgb())
    assert batch.pixels.shape == (0, 3, 8, 8)
