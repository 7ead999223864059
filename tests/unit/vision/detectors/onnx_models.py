"""Tiny ONNX models the detector tests build with ``onnx.helper``, with outputs known in advance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper

from kuzet.adapters.models.loader import LoadedOnnxModel


def save(
    path: Path,
    nodes: list[onnx.NodeProto],
    *,
    input_shape: list[int | str],
    output_shape: list[int | str],
    initializers: list[onnx.TensorProto],
    metadata: dict[str, str] | None = None,
) -> Path:
    graph = helper.make_graph(
        nodes,
        "test",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, output_shape)],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, metadata or {})
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def fixed_output_model(
    path: Path,
    output: NDArray[np.float32],
    input_size: tuple[int, int] = (64, 64),
    dynamic_batch: bool = True,
    metadata: dict[str, str] | None = None,
) -> Path:
    """A model whose output is ``output`` [R, N] for every image of the batch ([B, R, N]).

    The batch dimension comes from the input (``0 × sum(image)`` broadcast onto the constant), so a
    batched run returns one copy per item.
    """
    height, width = input_size
    batch: int | str = "batch" if dynamic_batch else 1
    nodes = [
        helper.make_node("ReduceSum", ["images", "axes"], ["total"], keepdims=1),
        helper.make_node("Reshape", ["total", "column"], ["per_item"]),
        helper.make_node("Mul", ["per_item", "zero"], ["nothing"]),
        helper.make_node("Add", ["nothing", "table"], ["output"]),
    ]
    initializers = [
        numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes"),
        numpy_helper.from_array(np.array([-1] + [1] * output.ndim, np.int64), "column"),
        numpy_helper.from_array(np.zeros(1, np.float32), "zero"),
        numpy_helper.from_array(output[None].astype(np.float32), "table"),
    ]
    shape: list[int | str] = [batch, *output.shape]
    return save(
        path,
        nodes,
        input_shape=[batch, 3, height, width],
        output_shape=shape,
        initializers=initializers,
        metadata=metadata,
    )


def channel_mean_classifier(
    path: Path, with_softmax: bool = False, metadata: dict[str, str] | None = None
) -> Path:
    """Scores = 4 × the mean of each input channel ([B, 3]), optionally through a softmax."""
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["means"], axes=[2, 3], keepdims=0),
        helper.make_node("Mul", ["means", "four"], ["logits" if with_softmax else "output"]),
    ]
    if with_softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["output"], axis=1))
    initializers = [numpy_helper.from_array(np.array(4.0, np.float32), "four")]
    return save(
        path,
        nodes,
        input_shape=["batch", 3, 8, 8],
        output_shape=["batch", 3],
        initializers=initializers,
        metadata=metadata,
    )


@dataclass
class CountingModel:
    """Wraps a loaded model and records the batch size of every run."""

    inner: LoadedOnnxModel
    batches: list[int] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.inner.path

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        return self.inner.input_shape

    @property
    def output_shapes(self) -> tuple[tuple[int | None, ...], ...]:
        return self.inner.output_shapes

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.inner.metadata)

    def run(self, batch: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        self.batches.append(len(batch))
        return self.inner.run(batch)


def yolo_table(rows: list[tuple[float, float, float, float, list[float]]]) -> NDArray[Any]:
    """[4 + C, N] from (cx, cy, w, h, class scores) per anchor."""
    return np.array([[cx, cy, w, h, *scores] for cx, cy, w, h, scores in rows], np.float32).T
