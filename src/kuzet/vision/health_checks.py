"""The measurements behind camera health, one small function each, on a downscaled gray frame.

Health runs on every evaluated frame of every camera, so it must cost far less than detection: the
frame is shrunk once with area averaging (which also averages sensor and encoder noise away) to
``AnalysisFrame.fine`` (about 320 px wide, enough to see focus) and ``coarse`` (half that, for
everything else). Each measure is normalised so that it means the same on any camera:

- ``blankness``: share of tiles with no detail at all (a lens cap, a hand, black video);
- ``changed_fraction``: share of pixels that changed beyond the frame pair's own noise level;
- ``sharpness``: Laplacian energy over gradient energy, a spectral ratio that ignores brightness and
  contrast and falls when high frequencies go (defocus), whatever the scene shows;
- ``view_offset`` and ``edge_similarity``: how far the view slid from the camera's reference (phase
  correlation) and how much of its structure is still where it was (correlation of blurred edge maps,
  which moving people and overall lighting hardly change).

The thresholds each check is judged by live next to it as small pydantic models; ``health.py`` composes
them into ``CameraHealthConfig`` and owns the judging over time (baselines, masking, hysteresis).

>>> import numpy as np
>>> frame = np.zeros((720, 1280, 3), np.uint8)
>>> analysis_frame(frame, 320).coarse.shape
(90, 160)
>>> blankness(analysis_frame(frame, 320).coarse, block=10, max_detail=1.0).featureless
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

FloatImage = NDArray[np.float32]

_MAD_TO_SIGMA = 1.4826  # median absolute deviation of a normal variable, times this, is its sigma


class StrictConfig(BaseModel):
    """Base of the health configuration: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CoveredConfig(StrictConfig):
    block: int = Field(
        10, ge=4, description="Tile size, pixels of the coarse image (half the analysis width)"
    )
    max_detail: float = Field(1.0, gt=0, description="A tile with less fine-detail std (luma) is featureless")
    min_featureless_fraction: float = Field(0.7, gt=0, le=1, description="Covered from this share of tiles")
    min_featureless_increase: float = Field(
        0.4, gt=0, le=1, description="Also covered when this much more of the view is featureless than usual"
    )


class TooDarkConfig(StrictConfig):
    max_mean_luma: float = Field(40.0, ge=0, le=255, description="Too dark below this mean luma (0-255)")


class FrozenConfig(StrictConfig):
    max_changed_fraction: float = Field(0.001, gt=0, lt=1, description="'Unchanged' below this pixel share")
    min_delta: float = Field(6.0, gt=0, description="Smallest luma change (0-255) that counts as a change")
    noise_factor: float = Field(5.0, gt=0, description="A change must also exceed this many noise sigmas")
    max_noise: float = Field(
        3.0, gt=0, description="Largest believable noise sigma; above it the scene moved"
    )
    hold_seconds: float = Field(4.0, ge=0, description="Unchanged this long (and the hysteresis) = frozen")
    min_activity: float = Field(
        0.5, ge=0, le=1, description="Judge only scenes changing in this share of frames"
    )


class DefocusConfig(StrictConfig):
    max_sharpness_ratio: float = Field(0.5, gt=0, lt=1, description="Defocused below this share of usual")


class MovedConfig(StrictConfig):
    max_shift_fraction: float = Field(0.02, gt=0, description="Moved when slid more than this share of width")
    min_shift_response: float = Field(0.1, ge=0, le=1, description="Least correlation peak to trust a shift")
    min_similarity_ratio: float = Field(0.8, gt=0, lt=1, description="Moved below this share of usual match")


@dataclass(frozen=True, slots=True)
class AnalysisFrame:
    """One frame, gray, float32, at two small sizes (``coarse`` is half of ``fine``)."""

    fine: FloatImage
    coarse: FloatImage


@dataclass(frozen=True, slots=True)
class ViewOffset:
    """Where the view sits relative to the reference: shift in coarse pixels and the peak's strength.

    ``response`` near 0 means no consistent shift was found (rotated, replaced or covered view).
    """

    dx: float
    dy: float
    response: float

    @property
    def distance(self) -> float:
        return float(np.hypot(self.dx, self.dy))


def analysis_frame(frame: NDArray[np.uint8], width: int) -> AnalysisFrame:
    """Shrink a BGR (or gray) frame to ``width`` (never enlarging it) and convert it to gray float32."""
    if frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] != 3) or frame.dtype != np.uint8:
        raise ValueError(f"expected an HxWx3 BGR or HxW gray uint8 frame, got {frame.shape} {frame.dtype}")
    height, full_width = frame.shape[:2]
    width = min(width, full_width)
    small: cv2.typing.MatLike = frame
    # Exact halvings are OpenCV's fast path (a 2x2 mean); one 4x area resize of a 720p BGR frame costs
    # more than all the checks together. Gray after the first halving: a quarter of the pixels to convert.
    while small.shape[1] >= 2 * width:
        small = cv2.resize(small, (small.shape[1] // 2, small.shape[0] // 2), interpolation=cv2.INTER_AREA)
        if small.ndim == 3:
            small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    size = (width, max(2, round(height * width / full_width)))
    if small.shape[1] != width:
        small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
    fine = np.asarray(small, np.float32)
    coarse = np.asarray(
        cv2.resize(fine, (size[0] // 2, size[1] // 2), interpolation=cv2.INTER_AREA), np.float32
    )
    return AnalysisFrame(fine=fine, coarse=coarse)


def mean_luma(gray: FloatImage) -> float:
    return float(cv2.mean(gray)[0])


@dataclass(frozen=True, slots=True)
class Blankness:
    """How much of the picture is blank, and how bright the rest is (mean luma of the detailed tiles).

    A dark scene loses detail everywhere and its detailed rest is dark too; a hand or a cap blanks part
    of the view while the rest keeps its usual brightness.
    """

    featureless: float
    detailed_luma: float


def blankness(gray: FloatImage, block: int, max_detail: float) -> Blankness:
    """Share of ``block``-sized tiles whose fine detail (gray minus its local mean) has std < max_detail.

    Smooth shading across a hand or a cap is not detail; texture, edges and writing are.
    """
    rows, cols = gray.shape[0] // block, gray.shape[1] // block
    if rows == 0 or cols == 0:
        return Blankness(featureless=0.0, detailed_luma=mean_luma(gray))
    gray = gray[: rows * block, : cols * block]
    detail = gray - cv2.blur(gray, (5, 5))
    # Tile means by an exact area resize: per-tile statistics without a Python loop.
    mean = cv2.resize(detail, (cols, rows), interpolation=cv2.INTER_AREA)
    mean_square = cv2.resize(detail * detail, (cols, rows), interpolation=cv2.INTER_AREA)
    blank = mean_square - mean * mean < max_detail * max_detail
    if blank.all():
        return Blankness(featureless=1.0, detailed_luma=0.0)
    luma = cv2.resize(gray, (cols, rows), interpolation=cv2.INTER_AREA)
    return Blankness(featureless=float(blank.mean()), detailed_luma=float(luma[~blank].mean()))


def changed_fraction(
    previous: FloatImage, current: FloatImage, min_delta: float, noise_factor: float, max_noise: float
) -> float:
    """Share of pixels that changed by more than the pair's noise (robustly estimated) and ``min_delta``.

    Most pixels of a live scene are static between two frames, so the median absolute difference is the
    noise floor; moving people stand out above it, encoder noise on a repeated frame does not. When most
    of the picture changed (a cut, a cover) the median is no noise floor, hence the ``max_noise`` cap.
    """
    diff = cv2.absdiff(previous, current)
    noise = min(max_noise, _MAD_TO_SIGMA * float(np.median(diff[::2, ::2])))  # a quarter is plenty
    return float((diff > max(min_delta, noise_factor * noise)).mean())


def sharpness(gray: FloatImage) -> float:
    """Laplacian energy over gradient energy; 0 for a flat frame.

    Both scale with contrast squared, so the ratio measures how much of the detail is fine detail.
    """
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1)
    gradient = float(np.vdot(gx, gx) + np.vdot(gy, gy))
    if gradient < 1e-3 * gray.size:
        return 0.0
    laplacian = cv2.Laplacian(gray, cv2.CV_32F)
    return float(np.vdot(laplacian, laplacian)) / gradient


def edge_map(gray: FloatImage) -> FloatImage:
    """Blurred gradient magnitude, zero-mean and unit-norm, ready for :func:`edge_similarity`.

    The blur tolerates a pixel of vibration; the normalisation removes overall brightness and contrast.
    """
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1)
    edges = np.asarray(cv2.GaussianBlur(cv2.magnitude(gx, gy), (0, 0), 1.5), np.float32)
    edges -= edges.mean()
    norm = float(np.linalg.norm(edges))
    return edges / np.float32(norm) if norm > 1e-6 else edges


def edge_similarity(reference: FloatImage, current: FloatImage) -> float:
    """Normalised correlation of two :func:`edge_map` results: 1 = same structure, ~0 = unrelated."""
    return float(np.vdot(reference, current))


def view_offset(reference: FloatImage, gray: FloatImage, window: FloatImage) -> ViewOffset:
    """Phase-correlate ``gray`` against ``reference`` (same size) under a Hann ``window``."""
    # OpenCV applies the window to float inputs in place, which would corrupt the stored reference.
    (dx, dy), response = cv2.phaseCorrelate(reference.copy(), gray.copy(), window)
    return ViewOffset(dx=float(dx), dy=float(dy), response=float(response))


def hann_window(shape: tuple[int, int]) -> FloatImage:
    """The window for :func:`view_offset` on images of ``shape`` (rows, columns)."""
    return np.asarray(cv2.createHanningWindow((shape[1], shape[0]), cv2.CV_32F), np.float32)
