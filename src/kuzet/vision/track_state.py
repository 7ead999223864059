"""What the rules see of the tracker: every confirmed track as parallel columns, at one instant.

Rules ask questions over time (how long in the zone, how far and how fast, standing still since when),
so the snapshot carries, besides the current box, the first/last seen times, the stationary flag and a
bounded ring of recent anchor points per track. The questions themselves (``displacement``, ``index_of``)
are vectorised over all tracks.

>>> state = tracker.state                                        # doctest: +SKIP
>>> moved, seconds = state.displacement(1.0)                     # doctest: +SKIP
>>> speed = np.hypot(*moved.T) / np.maximum(seconds, 1e-6)       # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kuzet.vision.detections import Anchor, box_anchor


@dataclass(frozen=True, eq=False)
class TracksState:
    """Confirmed tracks (visible or briefly lost) after one tracker update.

    ``visible`` marks tracks matched (or not looked for) this frame; ``xyxy`` is the last measured box of a
    visible track and the predicted box of a lost one. ``history_t`` [T, L] (NaN where empty) and
    ``history_xy`` [T, L, 2] are a ring of the last L anchor points; ``history_n`` counts points ever
    written. ``ended`` lists the ids of tracks removed at this update.
    """

    time: float
    tracker_id: NDArray[np.int64]
    xyxy: NDArray[np.float32]
    class_id: NDArray[np.int32]
    confidence: NDArray[np.float32]
    visible: NDArray[np.bool_]
    first_seen: NDArray[np.float64]
    last_seen: NDArray[np.float64]
    stationary: NDArray[np.bool_]
    stationary_since: NDArray[np.float64]
    jitter: NDArray[np.float32]
    history_t: NDArray[np.float64]
    history_xy: NDArray[np.float32]
    history_n: NDArray[np.int64]
    ended: NDArray[np.int64]

    @classmethod
    def empty(cls, time: float, history: int = 1) -> TracksState:
        return cls(
            time=time,
            tracker_id=np.empty(0, np.int64),
            xyxy=np.empty((0, 4), np.float32),
            class_id=np.empty(0, np.int32),
            confidence=np.empty(0, np.float32),
            visible=np.empty(0, np.bool_),
            first_seen=np.empty(0),
            last_seen=np.empty(0),
            stationary=np.empty(0, np.bool_),
            stationary_since=np.empty(0),
            jitter=np.empty(0, np.float32),
            history_t=np.empty((0, history)),
            history_xy=np.empty((0, history, 2), np.float32),
            history_n=np.empty(0, np.int64),
            ended=np.empty(0, np.int64),
        )

    def __len__(self) -> int:
        return len(self.tracker_id)

    def anchor(self, point: Anchor = "bottom_center") -> NDArray[np.float32]:
        return box_anchor(self.xyxy, point)

    @property
    def height(self) -> NDArray[np.float32]:
        return self.xyxy[:, 3] - self.xyxy[:, 1]

    @property
    def width(self) -> NDArray[np.float32]:
        return self.xyxy[:, 2] - self.xyxy[:, 0]

    def present(self, within: float) -> NDArray[np.bool_]:
        """Visible, or matched no longer than ``within`` seconds ago (a detector's odd missed frame)."""
        return np.asarray(self.visible | (self.time - self.last_seen <= within), np.bool_)

    def index_of(self, tracker_id: NDArray[np.int64]) -> NDArray[np.intp]:
        """Row of each id in this snapshot, -1 where the id is not (or no longer) tracked."""
        order = np.argsort(self.tracker_id)
        ids = np.asarray(tracker_id, np.int64)
        pos = np.searchsorted(self.tracker_id, ids, sorter=order).clip(0, max(len(order) - 1, 0))
        if not len(order):
            return np.full(len(ids), -1, np.intp)
        rows = order[pos]
        return np.where(self.tracker_id[rows] == ids, rows, -1).astype(np.intp)

    def window(self, seconds: float) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float64]]:
        """Per track: the oldest anchor of the last ``seconds`` [T, 2], the newest [T, 2], and the time [T]
        between them (0 where a track has no point in the window)."""
        t = self.history_t
        in_window = t >= self.time - seconds
        oldest = np.where(in_window, t, np.inf).argmin(axis=1)
        newest = np.where(np.isnan(t), -np.inf, t).argmax(axis=1)
        rows = np.arange(len(t))
        elapsed = np.where(in_window.any(axis=1), t[rows, newest] - t[rows, oldest], 0.0)
        return self.history_xy[rows, oldest], self.history_xy[rows, newest], np.nan_to_num(elapsed)

    def displacement(self, seconds: float) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
        """Anchor movement [T, 2] over the last ``seconds`` and the time [T] it took (see ``window``)."""
        start, end, elapsed = self.window(seconds)
        return (end - start).astype(np.float32), elapsed

    def history(self, tracker_id: int) -> NDArray[np.float64]:
        """[K, 3] rows of (time, x, y), oldest first, of one track's anchor ring."""
        row = int(self.index_of(np.array([tracker_id]))[0])
        if row < 0:
            raise KeyError(f"track {tracker_id} is not in this snapshot")
        length = self.history_t.shape[1]
        count = int(self.history_n[row])
        order = (np.arange(length) + count) % length if count >= length else np.arange(count)
        return np.column_stack([self.history_t[row, order], self.history_xy[row, order]])
