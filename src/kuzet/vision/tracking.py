"""Multi-object tracking: stable ids for detections across frames (ByteTrack-style).

Rules reason about objects over time (dwell, direction, speed, standing still), so each detection must
carry the id of the object it belongs to. ByteTrack's idea is to also use low-confidence detections: they
are matched only to existing tracks, which keeps ids through partial occlusion without birthing ghosts.

All tracks live in one columnar table; the Kalman predict and update run batched over it, and the
bounded anchor history is a fixed-length ring per track, so nothing in ``update`` loops over objects.
Tracks outside the regions the detector looked at this frame are not aged (the motion gate re-checks
stationary objects only now and then; not looking is not the same as not seeing), unless the tracker
knows the frame size and the track's predicted centre has left the frame: it walked out of view, and
would otherwise be kept, unseen and never aged, for as long as the camera runs.

Small detectors flicker between related classes (car, bus, truck) and score vehicles lower than people
(NanoDet on the generated scenes: 97% of true people score ≥ 0.6, 13% of true vehicles do). So classes
of one ``same_kind`` group match one another, and ``lenient_classes`` have their high and new-track
thresholds lowered by ``lenient_offset``: a car that is only ever seen at 0.45 still gets a track.

>>> tracker = ByteTracker()
>>> tracked = tracker.update(detections, timestamp=12.3)   # doctest: +SKIP
>>> tracker.state.stationary                               # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from kuzet.vision.detections import Anchor, Detections, box_anchor, box_iou
from kuzet.vision.detectors.postprocess import Candidates, nms
from kuzet.vision.kalman import kalman_initiate, kalman_predict, kalman_update, xyxy_to_xyah
from kuzet.vision.track_state import TracksState

__all__ = ["ByteTracker", "TrackerSettings", "TracksState"]

Pairs = NDArray[np.intp]  # [K, 2] rows of (track index, detection index)


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    high_threshold: float = 0.5  # detections at or above are matched first and may start tracks
    low_threshold: float = 0.1  # detections below are ignored; between the two only extend tracks
    new_track_threshold: float = 0.6
    match_iou: float = 0.2
    low_match_iou: float = 0.5
    tentative_match_iou: float = 0.3
    tentative_buffer: float = 0.5  # tentative tracks have no velocity yet: match on boxes grown by this
    min_hits: int = 3  # matched detections before a track is confirmed and gets an id
    lost_frames: int = 30  # frames a confirmed track survives unmatched (while the detector looks)
    class_aware: bool = True  # never match a detection to a track of another kind
    same_kind: tuple[tuple[int, ...], ...] = ((2, 5, 7),)  # COCO car, bus, truck: one kind for matching
    lenient_classes: tuple[int, ...] = (2, 3, 5, 7)  # COCO vehicles: detected at lower scores
    lenient_offset: float = 0.15
    duplicate_iou: float = 0.7  # an unmatched detection overlapping a matched one of its kind this much
    history_length: int = 64
    stationary_seconds: float = 2.0
    stationary_tolerance: float = 0.15  # anchor drift over the window, relative to the box's larger side
    jitter_smoothing: float = 0.3
    anchor: Anchor = "bottom_center"


@dataclass(eq=False)
class _Table:
    """Every track (tentative and confirmed), one row each."""

    tracker_id: NDArray[np.int64]  # -1 while tentative
    mean: NDArray[np.float64]
    cov: NDArray[np.float64]
    xyxy: NDArray[np.float32]
    class_id: NDArray[np.int32]
    confidence: NDArray[np.float32]
    hits: NDArray[np.int64]
    misses: NDArray[np.int64]
    visible: NDArray[np.bool_]
    first_seen: NDArray[np.float64]
    last_seen: NDArray[np.float64]
    stationary: NDArray[np.bool_]
    stationary_since: NDArray[np.float64]
    jitter: NDArray[np.float32]
    history_t: NDArray[np.float64]
    history_xy: NDArray[np.float32]
    history_n: NDArray[np.int64]

    def take(self, index: NDArray[Any]) -> _Table:
        return _Table(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def extend(self, other: _Table) -> _Table:
        return _Table(
            **{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self)}
        )

    def __len__(self) -> int:
        return len(self.tracker_id)


def _new_rows(dets: Detections, timestamp: float, history: int, anchor: Anchor = "center") -> _Table:
    n = len(dets)
    mean, cov = kalman_initiate(xyxy_to_xyah(dets.xyxy))
    history_t = np.full((n, history), np.nan)
    history_t[:, 0] = timestamp
    history_xy = np.zeros((n, history, 2), np.float32)
    history_xy[:, 0] = dets.anchor(anchor)
    return _Table(
        tracker_id=np.full(n, -1, np.int64),
        mean=mean,
        cov=cov,
        xyxy=dets.xyxy.copy(),
        class_id=dets.class_id.copy(),
        confidence=dets.confidence.copy(),
        hits=np.ones(n, np.int64),
        misses=np.zeros(n, np.int64),
        visible=np.ones(n, np.bool_),
        first_seen=np.full(n, timestamp),
        last_seen=np.full(n, timestamp),
        stationary=np.zeros(n, np.bool_),
        stationary_since=np.full(n, np.nan),
        jitter=np.zeros(n, np.float32),
        history_t=history_t,
        history_xy=history_xy,
        history_n=np.ones(n, np.int64),
    )


def _predicted_boxes(tracks: _Table) -> NDArray[np.float32]:
    """The Kalman-predicted centre with the last measured size.

    The filter adapts the aspect ratio very slowly (ByteTrack's noise settings), so a person who sits,
    bends or falls would drift away from a box of the filter's shape and lose the id.
    """
    half = (tracks.xyxy[:, 2:] - tracks.xyxy[:, :2]) / 2
    centre = tracks.mean[:, :2].astype(np.float32)
    return np.concatenate([centre - half, centre + half], axis=1)


def _grown(boxes: NDArray[np.float32], ratio: float) -> NDArray[np.float32]:
    size = np.tile(boxes[:, 2:] - boxes[:, :2], 2) * ratio
    return (boxes + size * np.array([-1, -1, 1, 1], np.float32)).astype(np.float32)


def _assign(iou: NDArray[np.float64], min_iou: float) -> Pairs:
    """Optimal one-to-one matching on IoU; pairs below ``min_iou`` are dropped."""
    if iou.size == 0:
        return np.empty((0, 2), np.intp)
    rows, cols = linear_sum_assignment(1.0 - iou)
    keep = iou[rows, cols] >= min_iou
    return np.stack([rows[keep], cols[keep]], axis=1)


def in_frame(points: NDArray[np.float32], frame_size: tuple[int, int]) -> NDArray[np.bool_]:
    """Which points [N, 2] lie inside a frame of ``frame_size`` (width, height)."""
    width, height = frame_size
    x, y = points[:, 0], points[:, 1]
    return np.asarray((x >= 0) & (x <= width) & (y >= 0) & (y <= height), np.bool_)


class ByteTracker:
    """Tracks objects in one camera's detections; one instance per stream."""

    def __init__(
        self, settings: TrackerSettings | None = None, frame_size: tuple[int, int] | None = None
    ) -> None:
        self.settings = settings or TrackerSettings()
        self.frame_size = frame_size  # (width, height): tracks that leave it age even when not looked at
        self._tracks = _new_rows(Detections.empty(), 0.0, self.settings.history_length)
        self._next_id = 1
        self._state = TracksState.empty(0.0, self.settings.history_length)

    @property
    def state(self) -> TracksState:
        """Confirmed tracks (visible and lost) after the latest ``update``, plus the ids that ended."""
        return self._state

    def update(
        self, detections: Detections, timestamp: float, regions: NDArray[np.floating[Any]] | None = None
    ) -> Detections:
        """Match ``detections`` to tracks; return the matched detections of confirmed tracks with ids.

        ``regions`` [R, 4] are the parts of the frame the detector looked at (None: the whole frame);
        tracks whose predicted box centre lies outside them are not aged, unless it lies outside the
        frame (``frame_size``).
        """
        s = self.settings
        dets = detections[detections.confidence >= s.low_threshold]
        tracks = self._tracks
        tracks.mean, tracks.cov = kalman_predict(tracks.mean, tracks.cov, lost=tracks.misses > 0)
        predicted = _predicted_boxes(tracks)
        observed = self._observed(predicted, regions)
        pairs = self._associate(predicted, dets)
        self._apply_matches(pairs, dets, timestamp)
        self._confirm()
        ids = np.full(len(dets), -1, np.int64)
        ids[pairs[:, 1]] = tracks.tracker_id[pairs[:, 0]]
        matched = np.zeros(len(tracks), np.bool_)
        matched[pairs[:, 0]] = True
        tracks.visible = np.where(observed, matched, tracks.visible)
        tracks.misses = np.where(matched, 0, tracks.misses + (observed & ~matched))
        keep = matched | ((tracks.tracker_id >= 0) & (tracks.misses <= s.lost_frames))
        ended = tracks.tracker_id[~keep & (tracks.tracker_id >= 0)]
        unmatched = np.ones(len(dets), np.bool_)
        unmatched[pairs[:, 1]] = False
        born = np.flatnonzero(unmatched & (dets.confidence >= s.new_track_threshold - self._leniency(dets)))
        born = born[~self._duplicates(dets, born, pairs[:, 1])]
        self._tracks = tracks.take(np.flatnonzero(keep)).extend(
            _new_rows(dets[born], timestamp, s.history_length, s.anchor)
        )
        self._confirm()  # with min_hits == 1 a track is confirmed at birth
        ids[born] = self._tracks.tracker_id[len(self._tracks) - len(born) :]
        self._state = self._snapshot(timestamp, ended)
        return dets[ids >= 0].with_tracker_id(ids[ids >= 0])

    def _observed(
        self, predicted: NDArray[np.float32], regions: NDArray[np.floating[Any]] | None
    ) -> NDArray[np.bool_]:
        if regions is None:
            return np.ones(len(predicted), np.bool_)
        centre = box_anchor(predicted, "center")
        r = np.asarray(regions, np.float32).reshape(-1, 4)
        inside = (
            (centre[:, None, 0] >= r[None, :, 0])
            & (centre[:, None, 0] <= r[None, :, 2])
            & (centre[:, None, 1] >= r[None, :, 1])
            & (centre[:, None, 1] <= r[None, :, 3])
        )
        observed = inside.any(axis=1)
        if self.frame_size is not None:
            observed |= ~in_frame(centre, self.frame_size)
        return np.asarray(observed, np.bool_)

    def _iou(
        self,
        predicted: NDArray[np.float32],
        track_rows: NDArray[np.intp],
        dets: Detections,
        det_rows: NDArray[np.intp],
        buffer: float,
    ) -> NDArray[np.float64]:
        # Buffered IoU (C-BIoU) grows both boxes: a new track has no velocity yet, so a fast mover's
        # next box would not overlap its last one at all.
        iou = box_iou(_grown(predicted[track_rows], buffer), _grown(dets.xyxy[det_rows], buffer))
        # A lost track may have stopped while unseen (a person pausing behind another): also accept
        # overlap with where it was last seen, not only where its velocity would have carried it.
        lost = self._tracks.misses[track_rows] > 0
        if lost.any():
            last_seen = box_iou(self._tracks.xyxy[track_rows[lost]], dets.xyxy[det_rows])
            iou[lost] = np.maximum(iou[lost], last_seen)
        if self.settings.class_aware:
            kinds = self._kind(self._tracks.class_id[track_rows]), self._kind(dets.class_id[det_rows])
            iou[kinds[0][:, None] != kinds[1][None, :]] = 0.0
        return iou

    def _duplicates(
        self, dets: Detections, candidates: NDArray[np.intp], matched: NDArray[np.intp]
    ) -> NDArray[np.bool_]:
        """Which ``candidates`` repeat a matched detection or a better candidate of the same kind (a van
        boxed as both car and truck): the same object, not a new one. NMS with the kinds as classes,
        matched detections ranked first."""
        if not len(candidates):
            return np.zeros(0, np.bool_)
        rows = np.concatenate([matched, candidates])
        rank = dets.confidence[rows] + np.where(np.arange(len(rows)) < len(matched), 2.0, 0.0)
        pool = Candidates(dets.xyxy[rows], rank.astype(np.float32), self._kind(dets.class_id[rows]))
        kept = np.zeros(len(rows), np.bool_)
        kept[nms(pool, self.settings.duplicate_iou)] = True
        return ~kept[len(matched) :]

    def _kind(self, class_id: NDArray[np.int32]) -> NDArray[np.int32]:
        """Each class id mapped to its kind: the smallest id of its ``same_kind`` group, else itself."""
        kind = class_id.copy()
        for group in self.settings.same_kind:
            kind[np.isin(class_id, group)] = min(group)
        return kind

    def _leniency(self, dets: Detections) -> NDArray[np.float32]:
        s = self.settings
        return np.where(np.isin(dets.class_id, s.lenient_classes), s.lenient_offset, 0.0).astype(np.float32)

    def _associate(self, predicted: NDArray[np.float32], dets: Detections) -> Pairs:
        """ByteTrack's three stages: confirmed↔high, still-tracked↔low, tentative↔remaining high."""
        s, tracks = self.settings, self._tracks
        confirmed = tracks.tracker_id >= 0
        high = dets.confidence >= s.high_threshold - self._leniency(dets)
        found: list[Pairs] = []
        free_dets = np.ones(len(dets), np.bool_)
        free_tracks = np.ones(len(tracks), np.bool_)
        stages = (
            (confirmed, high, s.match_iou, 0.0),
            (confirmed & (tracks.misses == 0), ~high, s.low_match_iou, 0.0),
            (~confirmed, high, s.tentative_match_iou, s.tentative_buffer),
        )
        for track_mask, det_mask, min_iou, buffer in stages:
            t_rows = np.flatnonzero(track_mask & free_tracks)
            d_rows = np.flatnonzero(det_mask & free_dets)
            local = _assign(self._iou(predicted, t_rows, dets, d_rows, buffer), min_iou)
            pairs = np.stack([t_rows[local[:, 0]], d_rows[local[:, 1]]], axis=1)
            free_tracks[pairs[:, 0]] = False
            free_dets[pairs[:, 1]] = False
            found.append(pairs)
        return np.concatenate(found).astype(np.intp)

    def _apply_matches(self, pairs: Pairs, dets: Detections, timestamp: float) -> None:
        t, d = pairs[:, 0], pairs[:, 1]
        tracks, s = self._tracks, self.settings
        measured = xyxy_to_xyah(dets.xyxy[d])
        innovation = measured - tracks.mean[t, :4]
        height = np.maximum(tracks.mean[t, 3], 1.0)
        energy = (np.abs(innovation[:, [0, 1, 3]]).sum(axis=1) / height + np.abs(innovation[:, 2])).astype(
            np.float32
        )
        tracks.jitter[t] = (1 - s.jitter_smoothing) * tracks.jitter[t] + s.jitter_smoothing * energy
        tracks.mean[t], tracks.cov[t] = kalman_update(tracks.mean[t], tracks.cov[t], measured)
        tracks.xyxy[t] = dets.xyxy[d]
        tracks.confidence[t] = dets.confidence[d]
        tracks.hits[t] += 1
        tracks.last_seen[t] = timestamp
        slot = tracks.history_n[t] % s.history_length
        tracks.history_t[t, slot] = timestamp
        tracks.history_xy[t, slot] = box_anchor(dets.xyxy[d], s.anchor)
        tracks.history_n[t] += 1
        self._update_stationary(t, timestamp)

    def _update_stationary(self, rows: NDArray[np.intp], now: float) -> None:
        """Stationary when the mean anchor of the window's older half and of its newer half lie within
        ``stationary_tolerance`` of the box size: averaging halves keeps detector jitter from reading as
        movement, while a slow walk still shows. Without points in both halves the flag stays as it was."""
        s, tracks = self.settings, self._tracks
        t, xy = tracks.history_t[rows], tracks.history_xy[rows]
        middle = now - s.stationary_seconds / 2
        older = (t >= now - s.stationary_seconds) & (t < middle)
        newer = t >= middle
        counts = np.stack([older.sum(axis=1), newer.sum(axis=1)], axis=1)
        sums = np.stack([(xy * older[..., None]).sum(axis=1), (xy * newer[..., None]).sum(axis=1)], axis=1)
        means = sums / np.maximum(counts, 1)[..., None]
        drift = np.hypot(*(means[:, 1] - means[:, 0]).T)
        box = tracks.xyxy[rows]
        size = np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1])
        judged = (counts > 0).all(axis=1) & (tracks.first_seen[rows] <= now - s.stationary_seconds)
        still = np.where(
            judged, drift <= s.stationary_tolerance * np.maximum(size, 1.0), tracks.stationary[rows]
        )
        started = still & ~tracks.stationary[rows]
        # Back-dated by half the window: the older half was already (mostly) standing still.
        since = np.where(started, now - s.stationary_seconds / 2, tracks.stationary_since[rows])
        tracks.stationary_since[rows] = np.where(still, since, np.nan)
        tracks.stationary[rows] = still

    def _confirm(self) -> None:
        tracks = self._tracks
        ready = np.flatnonzero((tracks.tracker_id < 0) & (tracks.hits >= self.settings.min_hits))
        tracks.tracker_id[ready] = np.arange(self._next_id, self._next_id + len(ready))
        self._next_id += len(ready)

    def _snapshot(self, timestamp: float, ended: NDArray[np.int64]) -> TracksState:
        tracks = self._tracks.take(np.flatnonzero(self._tracks.tracker_id >= 0))
        predicted = _predicted_boxes(tracks)
        return TracksState(
            time=timestamp,
            tracker_id=tracks.tracker_id,
            xyxy=np.where(tracks.visible[:, None], tracks.xyxy, predicted).astype(np.float32),
            class_id=tracks.class_id,
            confidence=tracks.confidence,
            visible=tracks.visible,
            first_seen=tracks.first_seen,
            last_seen=tracks.last_seen,
            stationary=tracks.stationary,
            stationary_since=tracks.stationary_since,
            jitter=tracks.jitter,
            history_t=tracks.history_t,
            history_xy=tracks.history_xy,
            history_n=tracks.history_n,
            ended=ended,
        )
