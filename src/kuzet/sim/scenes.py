"""Scripted video scenes made of real pixels, with ground truth per frame, for testing analytics.

Measuring the rules' precision and recall needs footage where the right answer is known, and no
labelled street footage ships with the registries. So scenes are composed: the median of OpenCV's
``vtest.avi`` (a real pedestrian-area camera) is the empty background, people are real pedestrians cut
out of its frames by differencing against that median, and they walk scripted paths over it. The
vehicle is the white van parked in the same footage, cut out with GrabCut (``synthetic_vehicle_sprite``
draws one instead where that fails). Every rendered frame comes with the true boxes and actor ids.

``OracleDetector`` stands in for a detector: it returns the true boxes the detector's regions cover,
with configurable jitter, misses, low-confidence and false detections.

>>> assets = load_assets(VTEST_PATH)                                # doctest: +SKIP
>>> frame, truth = scene.render(2.5)                                # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detections import Detections, class_id_of

VTEST_PATH = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
Image = NDArray[np.uint8]
Waypoint = tuple[float, float, float]  # (seconds, x, y): where the sprite's bottom centre is, in pixels
PERSON = class_id_of("person")
CAR = class_id_of("car")


@dataclass(frozen=True, slots=True, eq=False)
class Sprite:
    """A cut-out object: BGR pixels, a mask of which pixels belong to it, and its class."""

    image: Image
    mask: NDArray[np.bool_]
    class_id: int

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


@dataclass(frozen=True, slots=True, eq=False)
class SceneAssets:
    background: Image
    pedestrians: tuple[Sprite, ...]
    vehicle: Sprite
    vehicle_is_real: bool


def read_frames(path: Path, indices: Sequence[int]) -> list[Image]:
    """Decode the frames at ``indices`` (ascending) of a video; FileNotFoundError if it is missing."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: video not found (Debian package opencv-doc ships vtest.avi)")
    capture = cv2.VideoCapture(str(path))
    frames, wanted, index = [], set(indices), 0
    try:
        while index <= max(indices) and capture.grab():
            if index in wanted:
                ok, frame = capture.retrieve()
                if ok:
                    frames.append(np.asarray(frame, np.uint8))
            index += 1
    finally:
        capture.release()
    return frames


def median_background(path: Path, samples: int = 25, frame_count: int = 795) -> Image:
    """The per-pixel median of evenly spaced frames: the scene without the people walking through it."""
    frames = read_frames(path, np.linspace(0, frame_count - 1, samples).astype(int).tolist())
    return np.asarray(np.median(np.stack(frames), axis=0), dtype=np.uint8)


def pedestrian_sprites(
    path: Path, background: Image, limit: int = 24, frame_count: int = 795
) -> list[Sprite]:
    """Single walking people cut out of the video: foreground blobs of a person's size and shape."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    height, width = background.shape[:2]
    sprites: list[Sprite] = []
    for frame in read_frames(path, list(range(20, frame_count, 40))):
        diff = cv2.absdiff(frame, background).max(axis=2)
        mask = np.asarray(diff > 40, np.uint8) * 255
        mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2), np.uint8)
        mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), np.uint8)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
        for label in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[label])
            person_like = 70 <= h <= 170 and 1.6 <= h / w <= 4.5 and area >= 0.45 * w * h
            inside = x > 1 and y > 1 and x + w < width - 1 and y + h < height - 1
            if person_like and inside:
                crop = labels[y : y + h, x : x + w] == label
                sprites.append(Sprite(frame[y : y + h, x : x + w].copy(), crop, PERSON))
    return sprites[:limit]


def grabcut_sprite(
    crop: Image, rect: tuple[int, int, int, int], class_id: int, min_fill: float
) -> Sprite | None:
    """The object inside ``rect`` (x, y, w, h) of ``crop``, cut out with GrabCut and trimmed to its mask;
    None when less than ``min_fill`` of the rectangle is kept (the cut found no solid object)."""
    crop = np.ascontiguousarray(crop)
    mask = np.zeros(crop.shape[:2], np.uint8)
    models = np.zeros((1, 65)), np.zeros((1, 65))
    cv2.grabCut(crop, mask, rect, models[0], models[1], 8, cv2.GC_INIT_WITH_RECT)
    keep = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    ys, xs = np.nonzero(keep)
    if len(xs) < min_fill * rect[2] * rect[3]:
        return None
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return Sprite(np.ascontiguousarray(crop[box]), np.ascontiguousarray(keep[box]), class_id)


def van_sprite(background: Image, scale: float = 2.0) -> Sprite | None:
    """The white van parked at the top right of vtest's background, cut out with GrabCut; None when the
    cut does not look like a vehicle (another background)."""
    cut = grabcut_sprite(background[30:110, 640:735], (8, 12, 72, 60), CAR, min_fill=0.4)
    if cut is None:
        return None
    width, height = cut.size
    size = (round(width * scale), round(height * scale))
    image = cv2.resize(cut.image, size, interpolation=cv2.INTER_LINEAR)
    resized = cv2.resize(cut.mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
    return Sprite(np.asarray(image, np.uint8), resized.astype(np.bool_), CAR)


def synthetic_vehicle_sprite(
    width: int = 150, height: int = 80, color: tuple[int, int, int] = (60, 60, 170)
) -> Sprite:
    """A drawn car (body, cabin, windows, wheels) for scenes without a real vehicle crop."""
    image = np.zeros((height, width, 3), np.uint8)
    mask = np.zeros((height, width), np.uint8)
    body = ((0, height // 3), (width - 1, height - height // 6))
    cabin = np.array(
        [[width // 5, height // 3], [width // 3, 0], [2 * width // 3, 0], [4 * width // 5, height // 3]]
    )
    for target, value in ((image, color), (mask, 1)):
        cv2.rectangle(target, *body, value, cv2.FILLED)
        cv2.fillPoly(target, [cabin], value)
    cv2.fillPoly(image, [cabin // 2 + [width // 4, height // 12]], (200, 160, 120))
    for cx in (width // 5, 4 * width // 5):
        for target, value in ((image, (20, 20, 20)), (mask, 1)):
            cv2.circle(target, (cx, height - height // 6), height // 6, value, cv2.FILLED)
    return Sprite(image, mask.astype(np.bool_), CAR)


def load_assets(path: Path = VTEST_PATH) -> SceneAssets:
    """Background, pedestrians and a vehicle from the video (a few seconds of decoding)."""
    background = median_background(path)
    van = van_sprite(background)
    return SceneAssets(
        background=background,
        pedestrians=tuple(pedestrian_sprites(path, background)),
        vehicle=van or synthetic_vehicle_sprite(),
        vehicle_is_real=van is not None,
    )


@dataclass(frozen=True, slots=True, eq=False)
class Actor:
    """A sprite moving through waypoints (linear in between); absent before the first and after the last."""

    actor_id: int
    sprite: Sprite
    waypoints: tuple[Waypoint, ...]

    def position(self, t: float) -> tuple[float, float] | None:
        times = [w[0] for w in self.waypoints]
        if not times[0] <= t <= times[-1]:
            return None
        x = float(np.interp(t, times, [w[1] for w in self.waypoints]))
        y = float(np.interp(t, times, [w[2] for w in self.waypoints]))
        return x, y


@dataclass(frozen=True, slots=True)
class ExpectedHit:
    """A hit the scene should produce: which rule, about whom (empty: the zone), and when."""

    rule_id: str
    actor_ids: tuple[int, ...]
    earliest: float
    latest: float


@dataclass(frozen=True, slots=True, eq=False)
class Scene:
    name: str
    background: Image
    actors: tuple[Actor, ...]
    duration: float
    fps: float = 10.0
    expected: tuple[ExpectedHit, ...] = ()
    noise: float = 2.0  # sensor noise, luma standard deviation
    seed: int = 0
    _noise_frames: list[tuple[Image, Image]] = field(default_factory=list, repr=False)

    @property
    def frame_size(self) -> tuple[int, int]:
        return self.background.shape[1], self.background.shape[0]

    def times(self) -> NDArray[np.float64]:
        return np.arange(0.0, self.duration, 1.0 / self.fps)

    def render(self, t: float) -> tuple[Image, Detections]:
        """The frame at ``t`` seconds and the true boxes (``tracker_id`` = actor id)."""
        frame = self.background.copy()
        placed = [(a, p) for a in self.actors if (p := a.position(t)) is not None]
        boxes, ids, classes = [], [], []
        for actor, (x, y) in sorted(placed, key=lambda item: item[1][1]):  # far (higher up) first
            box = _paste(frame, actor.sprite, x, y)
            if box is not None:
                boxes.append(box)
                ids.append(actor.actor_id)
                classes.append(actor.sprite.class_id)
        truth = Detections.from_arrays(np.reshape(boxes, (-1, 4)), class_id=classes, tracker_id=ids)
        return self._noisy(frame, round(t * self.fps)), truth

    def _noisy(self, frame: Image, index: int) -> Image:
        """Add one of a few pre-drawn noise fields (saturating uint8 add/subtract: ~0.3 ms a frame)."""
        if self.noise <= 0:
            return frame
        if not self._noise_frames:
            rng = np.random.default_rng(self.seed)
            for _ in range(4):
                field_ = np.round(rng.normal(0, self.noise, frame.shape))
                self._noise_frames.append(
                    (np.clip(field_, 0, 255).astype(np.uint8), np.clip(-field_, 0, 255).astype(np.uint8))
                )
        up, down = self._noise_frames[index % len(self._noise_frames)]
        return np.asarray(cv2.subtract(cv2.add(frame, up), down), np.uint8)


def _paste(frame: Image, sprite: Sprite, x: float, y: float) -> tuple[int, int, int, int] | None:
    """Draw the sprite with its bottom centre at (x, y); return its visible box, None if off-frame."""
    w, h = sprite.size
    left, top = round(x - w / 2), round(y - h)
    x1, y1 = max(left, 0), max(top, 0)
    x2, y2 = min(left + w, frame.shape[1]), min(top + h, frame.shape[0])
    if x2 - x1 < 4 or y2 - y1 < 4:
        return None
    mask = sprite.mask[y1 - top : y2 - top, x1 - left : x2 - left]
    region = frame[y1:y2, x1:x2]
    region[mask] = sprite.image[y1 - top : y2 - top, x1 - left : x2 - left][mask]
    return x1, y1, x2, y2


@dataclass(slots=True)
class OracleDetector:
    """A stand-in detector that sees the truth, with a real detector's faults.

    Boxes jitter by ``jitter`` of their size, ``miss_rate`` of objects are missed per frame,
    ``low_confidence_rate`` come back with a confidence of 0.15-0.45 (ByteTrack's second stage), and
    ``false_rate`` false boxes per frame appear with low confidence. Only objects whose centre lies in
    one of the detector's regions are found.
    """

    jitter: float = 0.03
    miss_rate: float = 0.05
    low_confidence_rate: float = 0.1
    false_rate: float = 0.05
    seed: int = 0
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def detect(
        self, truth: Detections, regions: NDArray[np.floating[Any]] | None, frame_size: tuple[int, int]
    ) -> Detections:
        seen = truth[_inside(truth, regions) & (self.rng.random(len(truth)) >= self.miss_rate)]
        size = np.repeat(seen.xyxy[:, 2:] - seen.xyxy[:, :2], 2, axis=0).reshape(-1, 4)
        boxes = seen.xyxy + self.rng.normal(0, self.jitter, seen.xyxy.shape) * size
        confidence = np.where(
            self.rng.random(len(seen)) < self.low_confidence_rate,
            self.rng.uniform(0.15, 0.45, len(seen)),
            self.rng.uniform(0.6, 0.95, len(seen)),
        )
        found = Detections.from_arrays(_ordered(boxes), confidence, seen.class_id)
        return Detections.merge([found, self._false(frame_size)])

    def _false(self, frame_size: tuple[int, int]) -> Detections:
        count = self.rng.poisson(self.false_rate)
        width, height = frame_size
        corner = self.rng.uniform(0, 1, (count, 2)) * [width - 60, height - 120]
        boxes = np.concatenate([corner, corner + self.rng.uniform(30, 60, (count, 1)) * [1, 2.5]], axis=1)
        return Detections.from_arrays(boxes, self.rng.uniform(0.2, 0.55, count), np.full(count, PERSON))


def _ordered(boxes: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    lo = np.minimum(boxes[:, :2], boxes[:, 2:])
    hi = np.maximum(boxes[:, :2], boxes[:, 2:])
    return np.concatenate([lo, hi], axis=1).astype(np.float64)


def _inside(truth: Detections, regions: NDArray[np.floating[Any]] | None) -> NDArray[np.bool_]:
    if regions is None:
        return np.ones(len(truth), np.bool_)
    centre = truth.anchor("center")
    r = np.asarray(regions, np.float32).reshape(-1, 4)
    inside = (
        (centre[:, None, 0] >= r[None, :, 0])
        & (centre[:, None, 0] <= r[None, :, 2])
        & (centre[:, None, 1] >= r[None, :, 1])
        & (centre[:, None, 1] <= r[None, :, 3])
    )
    return np.asarray(inside.any(axis=1), np.bool_)
