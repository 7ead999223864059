"""The per-frame detection type: parallel NumPy columns, validated once, filtered by masks.

Every analyser between the detector and the rules takes and returns this one type (after Roboflow
supervision's ``Detections``), so the hot path works on whole columns instead of looping over objects.
Validation happens once, in ``__post_init__``; after that the arrays are trusted.

>>> dets = Detections.from_arrays([[0, 0, 10, 20], [5, 5, 9, 9]], confidence=[0.9, 0.3], class_id=[0, 24])
>>> len(dets[dets.confidence > 0.5])
1
>>> dets.anchor("bottom_center")[0].tolist()
[5.0, 20.0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Anchor = Literal["bottom_center", "center"]
Index = NDArray[np.bool_] | NDArray[np.integer[Any]] | slice | int

# The 80 COCO classes in the order detectors trained on COCO number them (0 = person).
COCO_CLASSES: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag",
    "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
    "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork",
    "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog",
    "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
    "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip
_COCO_INDEX = {name: i for i, name in enumerate(COCO_CLASSES)}

PERSON_CLASSES: tuple[str, ...] = ("person",)
VEHICLE_CLASSES: tuple[str, ...] = ("car", "motorcycle", "bus", "truck")
BAG_CLASSES: tuple[str, ...] = ("backpack", "handbag", "suitcase")


def class_id_of(name: str) -> int:
    """The COCO class id of ``name``; ValueError naming the unknown class otherwise."""
    try:
        return _COCO_INDEX[name]
    except KeyError:
        raise ValueError(f"unknown object class {name!r} (expected a COCO class name)") from None


def class_ids_of(names: Iterable[str]) -> NDArray[np.int32]:
    """COCO ids of several class names, e.g. for ``np.isin(dets.class_id, class_ids_of(["car"]))``."""
    return np.array([class_id_of(n) for n in names], dtype=np.int32)


def class_name_of(class_id: int) -> str:
    """The COCO name of an id; ``"class_<id>"`` for ids a custom model adds beyond COCO."""
    return COCO_CLASSES[class_id] if 0 <= class_id < len(COCO_CLASSES) else f"class_{class_id}"


def _check(name: str, array: NDArray[Any], dtype: type[np.generic], shape: tuple[int, ...]) -> None:
    if array.dtype != dtype:
        raise TypeError(f"Detections.{name} must be {np.dtype(dtype)}, got {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"Detections.{name} must have shape {shape}, got {array.shape}")


@dataclass(frozen=True, eq=False)
class Detections:
    """Objects found in one frame, as parallel columns of length N.

    ``xyxy`` float32 [N, 4] pixel boxes (x1, y1, x2, y2); ``confidence`` float32 [N]; ``class_id`` int32
    [N] (COCO ids); ``tracker_id`` int64 [N] once a tracker assigned ids, else None; ``data`` extra
    columns (each an array whose first dimension is N), e.g. ``motion_energy``.
    """

    xyxy: NDArray[np.float32]
    confidence: NDArray[np.float32]
    class_id: NDArray[np.int32]
    tracker_id: NDArray[np.int64] | None = None
    data: Mapping[str, NDArray[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.xyxy.ndim != 2 or self.xyxy.shape[1] != 4:
            raise ValueError(f"Detections.xyxy must have shape (N, 4), got {self.xyxy.shape}")
        n = self.xyxy.shape[0]
        _check("xyxy", self.xyxy, np.float32, (n, 4))
        _check("confidence", self.confidence, np.float32, (n,))
        _check("class_id", self.class_id, np.int32, (n,))
        if self.tracker_id is not None:
            _check("tracker_id", self.tracker_id, np.int64, (n,))
        for key, column in self.data.items():
            if column.shape[:1] != (n,):
                raise ValueError(f"Detections.data[{key!r}] must have length {n}, got shape {column.shape}")
        if not np.isfinite(self.xyxy).all():
            raise ValueError("Detections.xyxy must be finite")
        if n and ((self.xyxy[:, 2] < self.xyxy[:, 0]).any() or (self.xyxy[:, 3] < self.xyxy[:, 1]).any()):
            raise ValueError("Detections.xyxy must have x2 >= x1 and y2 >= y1")

    @classmethod
    def empty(cls) -> Detections:
        return cls(
            xyxy=np.empty((0, 4), np.float32),
            confidence=np.empty(0, np.float32),
            class_id=np.empty(0, np.int32),
        )

    @classmethod
    def from_arrays(
        cls,
        xyxy: ArrayLike,
        confidence: ArrayLike | None = None,
        class_id: ArrayLike | None = None,
        tracker_id: ArrayLike | None = None,
        data: Mapping[str, ArrayLike] | None = None,
    ) -> Detections:
        """Build from lists or arrays of any numeric type, converting to the column dtypes.

        Missing confidence defaults to 1, missing class ids to 0 (person).
        """
        boxes = np.asarray(xyxy, dtype=np.float32).reshape(-1, 4)
        n = len(boxes)
        return cls(
            xyxy=boxes,
            confidence=np.ones(n, np.float32) if confidence is None else np.asarray(confidence, np.float32),
            class_id=np.zeros(n, np.int32) if class_id is None else np.asarray(class_id, np.int32),
            tracker_id=None if tracker_id is None else np.asarray(tracker_id, np.int64),
            data={k: np.asarray(v) for k, v in (data or {}).items()},
        )

    @classmethod
    def merge(cls, parts: Sequence[Detections]) -> Detections:
        """Concatenate detections (e.g. of several detector regions); ids kept only if all have them."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        keys = set.intersection(*(set(p.data) for p in parts))
        with_ids = all(p.tracker_id is not None for p in parts)
        return cls(
            xyxy=np.concatenate([p.xyxy for p in parts]),
            confidence=np.concatenate([p.confidence for p in parts]),
            class_id=np.concatenate([p.class_id for p in parts]),
            tracker_id=np.concatenate([p.tracker_id for p in parts if p.tracker_id is not None])
            if with_ids
            else None,
            data={k: np.concatenate([p.data[k] for p in parts]) for k in sorted(keys)},
        )

    def __len__(self) -> int:
        return int(self.xyxy.shape[0])

    def __getitem__(self, index: Index) -> Detections:
        """Rows selected by a boolean mask, an index array, a slice or one integer (kept 2-D)."""
        if isinstance(index, int | np.integer):
            index = np.array([index])
        return Detections(
            xyxy=self.xyxy[index],
            confidence=self.confidence[index],
            class_id=self.class_id[index],
            tracker_id=None if self.tracker_id is None else self.tracker_id[index],
            data={k: v[index] for k, v in self.data.items()},
        )

    def with_tracker_id(self, tracker_id: NDArray[np.int64]) -> Detections:
        return Detections(self.xyxy, self.confidence, self.class_id, tracker_id, self.data)

    def with_data(self, **columns: NDArray[Any]) -> Detections:
        return Detections(
            self.xyxy, self.confidence, self.class_id, self.tracker_id, {**self.data, **columns}
        )

    @property
    def area(self) -> NDArray[np.float32]:
        return (self.xyxy[:, 2] - self.xyxy[:, 0]) * (self.xyxy[:, 3] - self.xyxy[:, 1])

    @property
    def width(self) -> NDArray[np.float32]:
        return self.xyxy[:, 2] - self.xyxy[:, 0]

    @property
    def height(self) -> NDArray[np.float32]:
        return self.xyxy[:, 3] - self.xyxy[:, 1]

    def anchor(self, point: Anchor = "bottom_center") -> NDArray[np.float32]:
        """[N, 2] points: the feet (``bottom_center``, for ground-plane zones) or the box centre."""
        return box_anchor(self.xyxy, point)

    def of_classes(self, class_ids: NDArray[np.int32]) -> NDArray[np.bool_]:
        return np.isin(self.class_id, class_ids)


def box_anchor(xyxy: NDArray[np.floating[Any]], point: Anchor = "bottom_center") -> NDArray[np.float32]:
    """Anchor points of raw [N, 4] boxes (same meaning as ``Detections.anchor``)."""
    x = (xyxy[:, 0] + xyxy[:, 2]) / 2
    if point == "bottom_center":
        y = xyxy[:, 3]
    elif point == "center":
        y = (xyxy[:, 1] + xyxy[:, 3]) / 2
    else:
        raise ValueError(f"unknown anchor {point!r} (expected 'bottom_center' or 'center')")
    return np.stack([x, y], axis=1).astype(np.float32)


def box_iou(a: NDArray[np.floating[Any]], b: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    """Pairwise IoU of [N, 4] and [M, 4] boxes as an [N, M] matrix."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    tl = np.maximum(a64[:, None, :2], b64[None, :, :2])
    br = np.minimum(a64[:, None, 2:], b64[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area_a = np.prod(a64[:, 2:] - a64[:, :2], axis=1)
    area_b = np.prod(b64[:, 2:] - b64[:, :2], axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    iou: NDArray[np.float64] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou
