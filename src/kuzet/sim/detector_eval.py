"""How many of the people and vehicles in a frame a real detector finds: recall and precision per kind.

The rules' accuracy (``kuzet.sim.scenarios``) is measured with an oracle that finds 95% of the objects;
whether a real detector does is a separate question, answered here on frames whose every object is
known. People (pedestrians cut out of vtest.avi) and vehicles (vtest's van, and darknet's pickup truck
where the Debian package ``darknet`` is installed) are pasted over vtest's empty background at the size
that camera's perspective gives them at that spot, several at once, some people partly hiding others.
A detection counts when it overlaps a true box of its kind by IoU ≥ 0.5, matched greedily by score
(each truth once). Kinds: person, and vehicle (car, motorcycle, bus, truck: a van found as a truck is
found). Detections of other classes are not scored; neither are detections on the objects that are no
part of the truth (the vehicles parked in the background, people more than half hidden).

``vtest_people_frames`` adds real, unaltered frames: their truth is each isolated walking person the
background difference separates, so only recall means anything there.

>>> frames = people_frames(load_assets(), count=20, seed=0)              # doctest: +SKIP
>>> evaluate(frames, detect_all(detector, frames))["person"].recall       # doctest: +SKIP
1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from kuzet.sim.scenes import PERSON, Actor, Image, Scene, SceneAssets, Sprite, grabcut_sprite, read_frames
from kuzet.vision.detections import VEHICLE_CLASSES, Detections, box_iou, class_id_of, class_ids_of
from kuzet.vision.detectors.base import Detector

Boxes = NDArray[np.float32]
KINDS: tuple[str, ...] = ("person", "vehicle")
IOU_MATCH = 0.5
DARKNET_DOG = Path("/usr/share/darknet/data/dog.jpg")
# The vehicles parked in vtest's background (its white van, and a car cut off by the right edge).
BACKGROUND_VEHICLES = np.array([[646, 40, 726, 104], [728, 44, 768, 100]], np.float32)
_VEHICLE_IDS = class_ids_of(VEHICLE_CLASSES)


def object_kind(class_id: NDArray[np.integer[Any]]) -> NDArray[np.int8]:
    """Index into ``KINDS`` per class id: 0 person, 1 vehicle, -1 neither."""
    kind = np.full(len(class_id), -1, np.int8)
    kind[class_id == PERSON] = 0
    kind[np.isin(class_id, _VEHICLE_IDS)] = 1
    return kind


@dataclass(slots=True)
class Tally:
    """Counts for one kind: true objects, how many were found, and unmatched detections (of which
    ``duplicates`` overlapped an object already found, e.g. a van reported as both car and truck)."""

    truths: int = 0
    found: int = 0
    false: int = 0
    duplicates: int = 0

    def add(self, other: Tally) -> None:
        self.truths += other.truths
        self.found += other.found
        self.false += other.false
        self.duplicates += other.duplicates

    @property
    def recall(self) -> float:
        return self.found / self.truths if self.truths else 1.0

    @property
    def precision(self) -> float:
        reported = self.found + self.false
        return self.found / reported if reported else 1.0


@dataclass(frozen=True, slots=True, eq=False)
class EvalFrame:
    """A frame, its true objects, and boxes whose detections are not scored (``ignore``, [K, 4])."""

    image: Image
    truth: Detections
    ignore: Boxes


def match_frame(
    found: Detections, truth: Detections, ignore: Boxes | None = None, iou_threshold: float = IOU_MATCH
) -> dict[str, Tally]:
    """Score one frame's detections: greedy by confidence, each truth matched at most once by the
    same-kind detection overlapping it most; an unmatched detection lying mostly (≥ half its area)
    in an ``ignore`` box is not counted.

    >>> truth = Detections.from_arrays([[0, 0, 10, 20]], class_id=[0])
    >>> found = Detections.from_arrays([[1, 0, 11, 20], [0, 0, 10, 20]], [0.9, 0.8], class_id=[0, 2])
    >>> tally = match_frame(found, truth)
    >>> tally["person"].found, tally["vehicle"].false
    (1, 1)
    """
    found_kind, truth_kind = object_kind(found.class_id), object_kind(truth.class_id)
    iou = box_iou(found.xyxy, truth.xyxy)
    iou[found_kind[:, None] != truth_kind[None, :]] = 0.0
    ignored = _covered(found.xyxy, ignore) >= 0.5
    taken = np.zeros(len(truth), np.bool_)
    tallies = {kind: Tally(truths=int((truth_kind == k).sum())) for k, kind in enumerate(KINDS)}
    for i in np.argsort(-found.confidence, kind="stable"):
        if found_kind[i] < 0:
            continue
        tally = tallies[KINDS[found_kind[i]]]
        free = np.where(taken, 0.0, iou[i])
        best = int(free.argmax()) if len(free) else -1
        if best >= 0 and free[best] >= iou_threshold:
            taken[best] = True
            tally.found += 1
        elif not ignored[i]:
            tally.false += 1
            tally.duplicates += int(bool(len(truth)) and iou[i].max() >= iou_threshold)
    return tallies


def _covered(boxes: Boxes, cover: Boxes | None) -> NDArray[np.float64]:
    """Per box, the largest fraction of its area inside one of ``cover``."""
    if cover is None or not len(cover) or not len(boxes):
        return np.zeros(len(boxes))
    a, b = boxes.astype(np.float64), cover.astype(np.float64)
    size = np.clip(
        np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None
    )
    area = np.prod(a[:, 2:] - a[:, :2], axis=1)
    inside: NDArray[np.float64] = np.prod(size, axis=2).max(axis=1) / np.maximum(area, 1e-9)
    return inside


def detect_all(detector: Detector, frames: Sequence[EvalFrame]) -> list[Detections]:
    """The detector on each whole frame (no regions: what it finds, not what the motion gate shows it)."""
    return [detector.detect(frame.image) for frame in frames]


def evaluate(
    frames: Sequence[EvalFrame],
    found: Sequence[Detections],
    *,
    iou_threshold: float = IOU_MATCH,
    min_confidence: float = 0.0,
) -> dict[str, Tally]:
    """Tallies per kind over all frames; ``found[i]`` are the detections in ``frames[i]``, of which only
    those scoring ``min_confidence`` or more count (e.g. what may start a track)."""
    totals = {kind: Tally() for kind in KINDS}
    for frame, detections in zip(frames, found, strict=True):
        kept = detections[detections.confidence >= min_confidence]
        for kind, tally in match_frame(kept, frame.truth, frame.ignore, iou_threshold).items():
            totals[kind].add(tally)
    return totals


# ---- composed frames -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """A sprite with its bottom centre at (x, y) frame pixels."""

    sprite: Sprite
    x: float
    y: float

    @property
    def box(self) -> Boxes:
        w, h = self.sprite.size
        return np.array([[self.x - w / 2, self.y - h, self.x + w / 2, self.y]], np.float32)


def person_height(feet_y: float) -> float:
    """How tall a person standing at ``feet_y`` looks in vtest's camera (its people: ~70 px at the far
    edge of the lawn, ~165 px at the bottom of the frame)."""
    return 40.0 + 0.22 * feet_y


def resized(sprite: Sprite, height: float, mirror: bool = False) -> Sprite:
    """The sprite scaled to ``height`` pixels (aspect kept), optionally mirrored left to right."""
    w, h = sprite.size
    size = (max(4, round(w * height / h)), max(4, round(height)))
    image = cv2.resize(sprite.image, size, interpolation=cv2.INTER_AREA if height < h else cv2.INTER_LINEAR)
    mask = cv2.resize(sprite.mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(np.bool_)
    if mirror:
        image, mask = image[:, ::-1], mask[:, ::-1]
    return Sprite(np.ascontiguousarray(image, np.uint8), np.ascontiguousarray(mask), sprite.class_id)


def pickup_truck_sprite(path: Path = DARKNET_DOG) -> Sprite | None:
    """The white pickup parked behind the dog in darknet's ``dog.jpg``, cut out with GrabCut; None when
    the image is missing or the cut does not look like a vehicle."""
    image = cv2.imread(str(path))
    if image is None or image.shape[:2] != (576, 768):
        return None
    return grabcut_sprite(
        np.asarray(image[55:185, 450:710], np.uint8), (14, 16, 230, 104), class_id_of("truck"), min_fill=0.35
    )


def compose(background: Image, layouts: Sequence[Sequence[Placement]], seed: int) -> list[EvalFrame]:
    """One frame per layout, rendered by ``Scene`` (sensor noise included). Objects less than half
    visible behind nearer ones, and the vehicles parked in the background, are ignored, not truths."""
    actors: list[Actor] = []
    visible: list[float] = [0.0]  # by actor id
    for k, layout in enumerate(layouts):
        for p in layout:
            actors.append(Actor(len(actors) + 1, p.sprite, ((k - 0.25, p.x, p.y), (k + 0.25, p.x, p.y))))
        visible += _visible_fractions(background.shape, layout).tolist()
    scene = Scene("detector-eval", background, tuple(actors), float(len(layouts)), fps=1.0, seed=seed)
    frames = []
    for k in range(len(layouts)):
        image, truth = scene.render(float(k))
        seen = np.asarray(visible)[np.asarray(truth.tracker_id)] >= 0.5
        ignore = np.concatenate([truth.xyxy[~seen], BACKGROUND_VEHICLES]).astype(np.float32)
        frames.append(EvalFrame(image, truth[seen], ignore))
    return frames


def _visible_fractions(shape: tuple[int, ...], layout: Sequence[Placement]) -> NDArray[np.float64]:
    """Per placement, the fraction of its pixels that no nearer object covers: the layout rendered
    again with each sprite painted in its own number, then counted (sprites lie inside the frame)."""
    painted = tuple(
        Actor(
            i + 1,
            Sprite(np.full_like(p.sprite.image, i + 1), p.sprite.mask, 0),
            ((0, p.x, p.y), (1, p.x, p.y)),
        )
        for i, p in enumerate(layout)
    )
    blank = np.zeros((shape[0], shape[1], 3), np.uint8)
    labels = Scene("labels", blank, painted, 1.0, noise=0.0).render(0.0)[0][:, :, 0]
    pixels = np.bincount(labels.ravel(), minlength=len(layout) + 1)[1:]
    area = np.array([p.sprite.mask.sum() for p in layout], np.float64)
    fractions: NDArray[np.float64] = pixels / np.maximum(area, 1.0)
    return fractions


def people_frames(assets: SceneAssets, count: int, seed: int) -> list[EvalFrame]:
    """``count`` frames of 3-6 pedestrians each, sized by their place in the scene, some of them placed
    beside another, partly in front of or behind them."""
    rng = np.random.default_rng(seed)
    height, width = assets.background.shape[:2]
    layouts: list[list[Placement]] = []
    for _ in range(count):
        layout: list[Placement] = []
        wanted = int(rng.integers(3, 7))
        for _ in range(50 * wanted):
            if len(layout) == wanted:
                break
            if layout and rng.random() < 0.35:  # beside someone, partly overlapping
                other = layout[int(rng.integers(len(layout)))]
                side = rng.choice([-1.0, 1.0]) * rng.uniform(0.45, 0.8) * other.sprite.size[0]
                x, y = other.x + side, other.y + rng.uniform(-0.12, 0.12) * other.sprite.size[1]
                max_iou = 0.6
            else:
                x, y = rng.uniform(0, width), rng.uniform(150, height - 2)
                max_iou = 0.0
            source = assets.pedestrians[int(rng.integers(len(assets.pedestrians)))]
            sprite = resized(source, person_height(y) * rng.uniform(0.85, 1.15), bool(rng.random() < 0.5))
            _place(layout, Placement(sprite, x, y), (width, height), max_iou)
        layouts.append(layout)
    return compose(assets.background, layouts, seed)


def vehicle_frames(vehicles: Sequence[Sprite], background: Image, count: int, seed: int) -> list[EvalFrame]:
    """``count`` frames of 1-3 of the ``vehicles``, facing either way, sized like vtest's van would be
    at that spot (a little taller than a person standing there), barely overlapping."""
    rng = np.random.default_rng(seed)
    height, width = background.shape[:2]
    layouts: list[list[Placement]] = []
    for _ in range(count):
        layout: list[Placement] = []
        wanted = int(rng.integers(1, 4))
        for _ in range(50 * wanted):
            if len(layout) == wanted:
                break
            x, y = rng.uniform(0, width), rng.uniform(180, height - 2)
            source = vehicles[int(rng.integers(len(vehicles)))]
            sprite = resized(
                source, 1.2 * person_height(y) * rng.uniform(0.85, 1.15), bool(rng.random() < 0.5)
            )
            _place(layout, Placement(sprite, x, y), (width, height), 0.1)
        layouts.append(layout)
    return compose(background, layouts, seed)


def _place(layout: list[Placement], candidate: Placement, size: tuple[int, int], max_iou: float) -> None:
    """Add ``candidate`` when it lies inside the frame, clear of the parked vehicles, and overlaps no
    placed object by more than ``max_iou``."""
    box = candidate.box
    inside = box[0, 0] >= 0 and box[0, 1] >= 0 and box[0, 2] <= size[0] and box[0, 3] <= size[1]
    if not inside or box_iou(box, BACKGROUND_VEHICLES).max() > 0:
        return
    placed = np.concatenate([p.box for p in layout]) if layout else np.empty((0, 4), np.float32)
    if not len(placed) or box_iou(box, placed).max() <= max_iou:
        layout.append(candidate)


# ---- real footage ----------------------------------------------------------------------------------


def vtest_people_frames(path: Path, background: Image, indices: Sequence[int]) -> list[EvalFrame]:
    """Unaltered vtest frames; truth: each foreground blob of one walking person's size and shape (the
    rule that cuts the pedestrian sprites). Other blobs (groups, people at the edge) are ignored. People
    whose blob merged with another's are not truths either, so only recall is meaningful here."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    height, width = background.shape[:2]
    frames = []
    for image in read_frames(path, indices):
        diff = cv2.absdiff(image, background).max(axis=2)
        mask = np.asarray(diff > 40, np.uint8) * 255
        mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2), np.uint8)
        mask = np.asarray(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), np.uint8)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        people: list[list[int]] = []
        others: list[list[int]] = []
        for x, y, w, h, area in stats[1:count].tolist():
            person_like = 70 <= h <= 170 and 1.6 <= h / w <= 4.5 and area >= 0.45 * w * h
            inside = x > 1 and y > 1 and x + w < width - 1 and y + h < height - 1
            (people if person_like and inside else others).append([x, y, x + w, y + h])
        truth = Detections.from_arrays(np.reshape(people, (-1, 4)), class_id=np.full(len(people), PERSON))
        ignore = np.concatenate([np.reshape(others, (-1, 4)), BACKGROUND_VEHICLES]).astype(np.float32)
        frames.append(EvalFrame(np.asarray(image, np.uint8), truth, ignore))
    return frames
