"""Convert a written TF.js graph and compare ONNX Runtime with the NumPy reference on random input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray

from kuzet.adapters.models.loader import load_onnx
from kuzet.adapters.models.reference import run_reference
from kuzet.adapters.models.tfjs_model import load_tfjs_graph
from kuzet.adapters.models.tfjs_to_onnx import convert
from tests.integration.models.tfjs_writer import TfjsWriter


def check_equivalent(
    folder: Path,
    writer: TfjsWriter,
    outputs: list[str],
    *,
    dynamic_batch: bool = False,
    batch: int = 1,
    atol: float = 1e-5,
    seed: int = 0,
) -> tuple[onnx.ModelProto, list[NDArray[Any]]]:
    """The converted model and its outputs, after asserting they equal the reference's.

    With ``batch`` > 1 the ONNX model runs once on the whole batch and the reference once per item.
    """
    graph = load_tfjs_graph(writer.write(folder / "tfjs", outputs))
    model = convert(graph, dynamic_batch=dynamic_batch)
    onnx.save(model, str(folder / "model.onnx"))
    (name, spec), *_ = graph.inputs.items()
    shape = (batch, *[d or 1 for d in spec.shape[1:]])
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    got = load_onnx(folder / "model.onnx").run(x)
    assert len(got) == len(graph.outputs)
    for item in range(batch):
        reference = list(run_reference(graph, {name: x[item : item + 1]}).values())
        for ours, theirs in zip(got, reference, strict=True):
            expected = theirs if batch == 1 else theirs[0]
            actual = ours if batch == 1 else ours[item]
            assert actual.shape == expected.shape
            np.testing.assert_allclose(actual, expected, rtol=0, atol=atol)
    return model, got


def op_types(model: onnx.ModelProto) -> list[str]:
    return [node.op_type for node in model.graph.node]
