"""Packing a frame's regions into one network input, and boxes found there back onto the frame."""

from __future__ import annotations

import numpy as np
import pytest

from kuzet.vision.detectors.mosaic import GAP, plan_mosaic, prepare_mosaic, shelf_pack
from kuzet.vision.detectors.preprocess import Normalisation


def test_shelves_are_filled_tallest_first_and_overflow_is_refused() -> None:
    sizes = np.array([[100, 50], [100, 80], [100, 60]])
    corners = shelf_pack(sizes, (216, 200), gap=8)
    assert corners is not None
    # Tallest (80) first at the origin, then 60 beside it; 50 goes to the next shelf, 80 + 8 down.
    np.testing.assert_array_equal(corners, [[0, 88], [0, 0], [108, 0]])
    assert shelf_pack(sizes, (216, 130), gap=8) is None
    assert shelf_pack(np.array([[300, 10]]), (216, 200), gap=8) is None


def test_regions_that_fit_are_packed_one_to_one() -> None:
    regions = np.array([[10, 10, 110, 210], [300, 40, 400, 140]], np.float32)
    tiles = plan_mosaic(regions, (416, 416), whole_frame_scale=0.5)
    assert tiles is not None
    np.testing.assert_array_equal(tiles, [[0, 0, 100, 200], [100 + GAP, 0, 200 + GAP, 100]])


def test_regions_that_do_not_fit_are_shrunk_to_the_largest_scale_that_packs() -> None:
    regions = np.array([[0, 0, 300, 300], [400, 0, 700, 300]], np.float32)
    tiles = plan_mosaic(regions, (416, 416), whole_frame_scale=0.3)
    assert tiles is not None
    widths = tiles[:, 2] - tiles[:, 0]
    assert widths[0] == widths[1]
    assert 2 * widths[0] + GAP <= 416 < 2 * (widths[0] + 1) + GAP  # side by side, as large as fits


def test_no_layout_when_it_would_not_beat_the_whole_frame() -> None:
    regions = np.array([[0, 0, 640, 180], [0, 190, 640, 360]], np.float32)
    assert plan_mosaic(regions, (416, 416), whole_frame_scale=416 / 640) is None


@pytest.mark.parametrize(
    ("network", "frame", "keep"),
    [
        ([10, 10, 30, 50], [110, 60, 130, 100], True),  # in tile 0: + (100, 50)
        ([118, 5, 128, 15], [320, 210, 340, 230], True),  # in tile 1: (x - 108) / 0.5 + 300
        ([70, 10, 120, 50], [170, 60, 200, 100], True),  # centred in tile 0, clipped to region 0
        ([96, 10, 112, 30], [0, 0, 0, 0], False),  # centred on the fill between the tiles
    ],
)
def test_boxes_map_back_through_the_tile_holding_their_centre(
    network: list[float], frame: list[float], keep: bool
) -> None:
    image = np.zeros((400, 600, 3), np.uint8)
    regions = np.array([[100, 50, 200, 150], [300, 200, 350, 250]], np.float32)
    tiles = np.array([[0, 0, 100, 100], [108, 0, 133, 25]], np.float32)  # region 1 at half scale
    mosaic = prepare_mosaic(image, regions, tiles, (160, 160), Normalisation.unit_rgb())
    boxes, kept = mosaic.to_frame(np.array([network], np.float32))
    assert kept.tolist() == [keep]
    if keep:
        np.testing.assert_allclose(boxes, [frame])


def test_each_region_is_drawn_into_its_tile_on_the_fill() -> None:
    image = np.zeros((100, 200, 3), np.uint8)
    image[10:30, 10:50] = (0, 0, 255)  # region 0: red
    image[50:90, 150:190] = (255, 0, 0)  # region 1: blue, drawn at half size
    regions = np.array([[10, 10, 50, 30], [150, 50, 190, 90]], np.float32)
    tiles = np.array([[0, 0, 40, 20], [48, 0, 68, 20]], np.float32)
    grey = Normalisation(rgb=True, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0), fill=114)
    pixels = prepare_mosaic(image, regions, tiles, (80, 40), grey).pixels
    assert pixels.shape == (1, 3, 40, 80)
    np.testing.assert_array_equal(pixels[0, :, 10, 20], [255, 0, 0])  # RGB order
    np.testing.assert_array_equal(pixels[0, :, 10, 58], [0, 0, 255])
    np.testing.assert_array_equal(pixels[0, :, 10, 44], [114, 114, 114])  # the gap
    np.testing.assert_array_equal(pixels[0, :, 30, 20], [114, 114, 114])  # below the tiles
