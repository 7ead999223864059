"""A constant-velocity Kalman filter over box centre, aspect ratio and height, batched over tracks.

The state is ``(x, y, a, h, vx, vy, va, vh)`` per track, as in SORT and ByteTrack; process and
measurement noise scale with the box height, so a near (large) object may move more pixels per frame than
a far one. Every function takes and returns whole [N, ...] arrays: one NumPy call per step for all tracks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Means = NDArray[np.float64]  # [N, 8]
Covariances = NDArray[np.float64]  # [N, 8, 8]

_POSITION_WEIGHT = 1.0 / 20
_VELOCITY_WEIGHT = 1.0 / 160
_MOTION = np.eye(8) + np.eye(8, k=4)  # x' = x + v (one step per detector frame)


def xyxy_to_xyah(xyxy: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    boxes = xyxy.astype(np.float64)
    w = boxes[:, 2] - boxes[:, 0]
    h = np.maximum(boxes[:, 3] - boxes[:, 1], 1e-6)
    return np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2, w / h, h], axis=1)


def xyah_to_xyxy(xyah: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
    h = np.maximum(xyah[:, 3], 0.0)
    w = np.maximum(xyah[:, 2], 0.0) * h
    x, y = xyah[:, 0], xyah[:, 1]
    return np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], axis=1).astype(np.float32)


def _diagonal(std: NDArray[np.float64]) -> NDArray[np.float64]:
    """[N, k] standard deviations → [N, k, k] diagonal covariance matrices."""
    out = np.zeros((*std.shape, std.shape[1]))
    index = np.arange(std.shape[1])
    out[:, index, index] = std**2
    return out


def kalman_initiate(measurement: NDArray[np.float64]) -> tuple[Means, Covariances]:
    """New tracks from [N, 4] xyah measurements, at rest, with height-scaled uncertainty."""
    h = measurement[:, 3:4]
    mean = np.concatenate([measurement, np.zeros_like(measurement)], axis=1)
    p, v = 2 * _POSITION_WEIGHT * h, 10 * _VELOCITY_WEIGHT * h
    std = np.concatenate([p, p, np.full_like(h, 1e-2), p, v, v, np.full_like(h, 1e-5), v], axis=1)
    return mean, _diagonal(std)


def kalman_predict(mean: Means, cov: Covariances, lost: NDArray[np.bool_]) -> tuple[Means, Covariances]:
    """One step ahead; a lost track's height velocity is frozen so its box does not balloon or vanish."""
    mean = mean.copy()
    mean[lost, 7] = 0.0
    h = mean[:, 3:4]
    p, v = _POSITION_WEIGHT * h, _VELOCITY_WEIGHT * h
    std = np.concatenate([p, p, np.full_like(h, 1e-2), p, v, v, np.full_like(h, 1e-5), v], axis=1)
    return mean @ _MOTION.T, _MOTION @ cov @ _MOTION.T + _diagonal(std)


def kalman_update(
    mean: Means, cov: Covariances, measurement: NDArray[np.float64]
) -> tuple[Means, Covariances]:
    """Correct [N] tracks with their [N, 4] xyah measurements (the observation is the first 4 states)."""
    h = mean[:, 3:4]
    p = _POSITION_WEIGHT * h
    noise = _diagonal(np.concatenate([p, p, np.full_like(h, 1e-1), p], axis=1))
    innovation_cov = cov[:, :4, :4] + noise
    cross = cov[:, :, :4]  # P Hᵀ
    gain = np.linalg.solve(innovation_cov, cross.transpose(0, 2, 1)).transpose(0, 2, 1)
    innovation = measurement - mean[:, :4]
    new_mean = mean + (gain @ innovation[:, :, None])[:, :, 0]
    new_cov = cov - gain @ innovation_cov @ gain.transpose(0, 2, 1)
    return new_mean, new_cov
