"""Turning raw network outputs into boxes: YOLO and NanoDet (GFL) decoding, and class-aware NMS.

All in NumPy on whole columns: a frame yields a few thousand anchors, and a per-anchor Python loop
would cost more than the network. Non-maximum suppression is the exact greedy algorithm on one IoU
matrix per class, so it loops once per *kept* box, not per pair.

>>> c = Candidates.from_arrays([[0, 0, 10, 10], [1, 1, 10, 10], [0, 0, 10, 10]], [0.9, 0.8, 0.7], [0, 0, 1])
>>> nms(c, iou_threshold=0.5).tolist()
[0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

MAX_CANDIDATES = 1000  # best-scoring boxes that go into NMS; more only costs time and memory


@dataclass(frozen=True, slots=True)
class Candidates:
    """Decoded boxes before NMS: xyxy float32 [N, 4], confidence float32 [N], class_id int32 [N]."""

    xyxy: NDArray[np.float32]
    confidence: NDArray[np.float32]
    class_id: NDArray[np.int32]

    @classmethod
    def from_arrays(cls, xyxy: ArrayLike, confidence: ArrayLike, class_id: ArrayLike) -> Candidates:
        return cls(
            np.asarray(xyxy, np.float32).reshape(-1, 4),
            np.asarray(confidence, np.float32).reshape(-1),
            np.asarray(class_id, np.int32).reshape(-1),
        )

    @classmethod
    def concat(cls, parts: list[Candidates]) -> Candidates:
        if not parts:
            return cls.from_arrays(np.empty((0, 4)), [], [])
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.confidence for p in parts]),
            np.concatenate([p.class_id for p in parts]),
        )

    def __len__(self) -> int:
        return len(self.confidence)

    def select(self, index: NDArray[Any]) -> Candidates:
        return Candidates(self.xyxy[index], self.confidence[index], self.class_id[index])


def best_class(scores: NDArray[np.float32], threshold: float) -> tuple[NDArray[np.intp], NDArray[np.int32]]:
    """Rows of ``scores`` [N, C] whose best class reaches ``threshold``, and that class."""
    class_id = scores.argmax(axis=1).astype(np.int32)
    confidence = np.take_along_axis(scores, class_id[:, None].astype(np.intp), axis=1)[:, 0]
    rows = np.flatnonzero(confidence >= threshold)
    return rows, class_id[rows]


def decode_yolo(output: NDArray[np.float32], threshold: float) -> Candidates:
    """One image of an Ultralytics YOLOv8/11 head: [4 + C, N] rows cx, cy, w, h, then class scores."""
    boxes, scores = output[:4].T, output[4:].T
    rows, class_id = best_class(scores, threshold)
    centre, half = boxes[rows, :2], boxes[rows, 2:4] / 2
    xyxy = np.concatenate([centre - half, centre + half], axis=1)
    return Candidates(xyxy.astype(np.float32), scores[rows, class_id], class_id)


def softmax(x: NDArray[np.float32], axis: int = -1) -> NDArray[np.float32]:
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    result: NDArray[np.float32] = (shifted / shifted.sum(axis=axis, keepdims=True)).astype(np.float32)
    return result


def decode_gfl(
    scores: NDArray[np.float32],
    distribution: NDArray[np.float32],
    stride: float,
    grid_width: int,
    threshold: float,
) -> Candidates:
    """One image, one stride of a NanoDet (GFL) head.

    ``scores`` [N, C] are already sigmoid; ``distribution`` [N, 4 * (R + 1)] holds, for the distances
    left, top, right, bottom from the anchor centre ``((i % W + 0.5) * stride, (i // W + 0.5) * stride)``,
    logits over ``0..R`` strides: the distance is the softmax expectation times ``stride``.
    """
    rows, class_id = best_class(scores, threshold)
    bins = distribution.shape[1] // 4
    probabilities = softmax(distribution[rows].reshape(-1, 4, bins))
    distance = probabilities @ np.arange(bins, dtype=np.float32) * np.float32(stride)
    centre = np.stack([rows % grid_width, rows // grid_width], axis=1).astype(np.float32)
    centre = (centre + 0.5) * np.float32(stride)
    xyxy = np.concatenate([centre - distance[:, :2], centre + distance[:, 2:]], axis=1)
    return Candidates(xyxy.astype(np.float32), scores[rows, class_id], class_id)


def pairwise_iou(boxes: NDArray[np.float32]) -> NDArray[np.float32]:
    area = (boxes[:, 2] - boxes[:, 0]).clip(0) * (boxes[:, 3] - boxes[:, 1]).clip(0)
    top_left = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    bottom_right = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    overlap = (bottom_right - top_left).clip(0).prod(axis=2)
    union = area[:, None] + area[None, :] - overlap
    iou: NDArray[np.float32] = np.divide(overlap, union, out=np.zeros_like(overlap), where=union > 0)
    return iou


def nms(candidates: Candidates, iou_threshold: float, class_aware: bool = True) -> NDArray[np.intp]:
    """Indices of the boxes greedy NMS keeps, best first; boxes of different classes never suppress
    each other when ``class_aware``."""
    order = np.argsort(-candidates.confidence, kind="stable")[:MAX_CANDIDATES]
    groups = candidates.class_id[order] if class_aware else np.zeros(len(order), np.int32)
    kept = [greedy(order[groups == group], candidates.xyxy, iou_threshold) for group in np.unique(groups)]
    merged = np.concatenate([np.empty(0, np.intp), *kept])
    return merged[np.argsort(-candidates.confidence[merged], kind="stable")]


def greedy(order: NDArray[np.intp], xyxy: NDArray[np.float32], iou_threshold: float) -> NDArray[np.intp]:
    """Greedy NMS over boxes already sorted best first."""
    iou = pairwise_iou(xyxy[order])
    suppressed = np.zeros(len(order), dtype=bool)
    kept = []
    for i in range(len(order)):
        if not suppressed[i]:
            kept.append(i)
            suppressed |= iou[i] > iou_threshold
    return order[np.array(kept, dtype=np.intp)]
