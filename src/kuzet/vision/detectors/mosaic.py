"""Several regions of one frame packed into one network input, so a frame costs one inference.

On the CPU an inference costs the same whatever the input shows (the network's input size is fixed),
so the motion gate's four regions of a frame cost four inferences when each fills its own input, and
more than running the whole frame once. Packed side by side at one scale ("tiles" on shelves, with
``gap`` pixels of letterbox fill between them so objects do not run into each other), they cost one,
and each region is still seen at a higher resolution than the whole frame letterboxed would give it:
``plan_mosaic`` only returns a layout when its scale beats the whole frame's, else ``None`` (then the
whole frame is the better single input).

>>> regions = np.array([[0, 0, 100, 200], [300, 0, 400, 100]], np.float32)
>>> plan_mosaic(regions, (416, 416), whole_frame_scale=0.5).tolist()
[[0.0, 0.0, 100.0, 200.0], [108.0, 0.0, 208.0, 100.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detectors.base import Image
from kuzet.vision.detectors.preprocess import Normalisation, normalise

GAP = 8  # network pixels of fill between tiles
# Regions are never enlarged. On the scripted scenes (sim.scenarios, 3 seeds, 640x480, people 60-140 px,
# detections >= 0.5), NanoDet on each region scaled up to fill the input found 84 % of the people at
# 97.8 % precision, this 1:1 mosaic 97.9 % at 99.4 %, the whole frame 94.2 % at 99.9 %: upscaled crops
# lose context and find people in the blur.
MAX_SCALE = 1.0
# A mosaic barely sharper than the whole frame is not worth the context lost between its tiles.
MIN_GAIN = 1.1
SEARCH_STEPS = 12  # bisection steps for the largest scale that packs: within 0.03 % of it


@dataclass(frozen=True, slots=True)
class Mosaic:
    """One network input [1, 3, H, W]: ``regions`` [T, 4] of the frame drawn at ``tiles`` [T, 4]."""

    pixels: NDArray[np.float32]
    regions: NDArray[np.float32]
    tiles: NDArray[np.float32]

    def to_frame(self, xyxy: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """Boxes found in the mosaic (network pixels) in frame pixels, each mapped through the tile that
        holds its centre and clipped to that tile's region; ``keep`` is False for boxes centred on fill."""
        boxes = np.asarray(xyxy, np.float32).reshape(-1, 4)
        centre = (boxes[:, :2] + boxes[:, 2:]) / 2
        t = self.tiles
        inside = (
            (centre[:, None, 0] >= t[None, :, 0])
            & (centre[:, None, 0] < t[None, :, 2])
            & (centre[:, None, 1] >= t[None, :, 1])
            & (centre[:, None, 1] < t[None, :, 3])
        )
        keep = inside.any(axis=1)
        tile = inside.argmax(axis=1)
        scale = (self.tiles[:, 2:] - self.tiles[:, :2]) / (self.regions[:, 2:] - self.regions[:, :2])
        scale4, tile_origin = np.tile(scale[tile], 2), np.tile(self.tiles[tile, :2], 2)
        frame = (boxes - tile_origin) / scale4 + np.tile(self.regions[tile, :2], 2)
        clipped = np.clip(frame, np.tile(self.regions[tile, :2], 2), np.tile(self.regions[tile, 2:], 2))
        return clipped.astype(np.float32), np.asarray(keep, np.bool_)


def shelf_pack(sizes: NDArray[np.int64], canvas: tuple[int, int], gap: int) -> NDArray[np.int64] | None:
    """Top-left corners [T, 2] placing boxes of ``sizes`` [T, 2] (width, height) on shelves, tallest
    first, ``gap`` apart inside ``canvas`` (width, height); ``None`` when they do not fit."""
    width, height = canvas
    corners = np.zeros((len(sizes), 2), np.int64)
    x = y = shelf = 0
    for i in np.argsort(-sizes[:, 1], kind="stable").tolist():
        w, h = int(sizes[i, 0]), int(sizes[i, 1])
        if x and x + w > width:  # next shelf
            x, y, shelf = 0, y + shelf + gap, 0
        if x + w > width or y + h > height:
            return None
        corners[i] = x, y
        x, shelf = x + w + gap, max(shelf, h)
    return corners


def plan_mosaic(
    regions: NDArray[np.float32],
    canvas: tuple[int, int],
    whole_frame_scale: float,
    gap: int = GAP,
    max_scale: float = MAX_SCALE,
) -> NDArray[np.float32] | None:
    """Tiles [T, 4] (network pixels) for ``regions`` [T, 4] (frame pixels) at the largest common scale
    up to ``max_scale`` that packs into ``canvas`` (width, height); ``None`` unless that scale is at
    least ``MIN_GAIN`` times ``whole_frame_scale``."""
    sizes = regions[:, 2:] - regions[:, :2]

    def layout(scale: float) -> NDArray[np.float32] | None:
        scaled = np.maximum(np.floor(sizes * scale), 1).astype(np.int64)
        corners = shelf_pack(scaled, canvas, gap)
        if corners is None:
            return None
        return np.concatenate([corners, corners + scaled], axis=1).astype(np.float32)

    low = whole_frame_scale * MIN_GAIN
    high = min(max_scale, float(np.min(np.asarray(canvas, np.float32) / sizes.max(axis=0))))
    if high < low:
        return None
    best = layout(high)
    if best is not None:
        return best
    best = layout(low)
    if best is None:
        return None
    for _ in range(SEARCH_STEPS):  # ``low`` packs, ``high`` does not
        middle = (low + high) / 2
        tiles = layout(middle)
        if tiles is None:
            high = middle
        else:
            low, best = middle, tiles
    return best


def prepare_mosaic(
    image: Image,
    regions: NDArray[np.float32],
    tiles: NDArray[np.float32],
    size: tuple[int, int],
    normalisation: Normalisation,
) -> Mosaic:
    """The normalised network input with each region scaled into its tile on a ``fill`` canvas."""
    canvas = np.full((size[1], size[0], 3), normalisation.fill, np.uint8)
    for (x1, y1, x2, y2), (tx1, ty1, tx2, ty2) in zip(
        regions.astype(int).tolist(), tiles.astype(int).tolist(), strict=True
    ):
        shrink = tx2 - tx1 < x2 - x1
        canvas[ty1:ty2, tx1:tx2] = cv2.resize(
            image[y1:y2, x1:x2],
            (tx2 - tx1, ty2 - ty1),
            interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR,
        )
    return Mosaic(normalise([canvas], normalisation, size), regions, tiles)
