"""Reading TF.js files, whole-graph conversion (batch, transposes, errors) and the reference's own maths."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kuzet.adapters.models.reference import evaluate_node, run_reference
from kuzet.adapters.models.tfjs_model import ConversionError, TfjsNode, UnsupportedOpError, load_tfjs_graph
from kuzet.adapters.models.tfjs_to_onnx import convert
from tests.integration.models.equivalence import check_equivalent, op_types
from tests.integration.models.tfjs_writer import TfjsWriter, flag, flt, ints, text


def conv_block(w: TfjsWriter, source: str, name: str, channels_in: int, channels_out: int) -> str:
    """NanoDet's pattern (an ONNX → TF export): NCHW → NHWC, Conv2D, bias, back to NCHW, LeakyRelu."""
    rng = np.random.default_rng(len(w.nodes))
    nhwc = w.op(
        f"{name}/nhwc", "Transpose", [source, w.const(f"{name}/p1", np.array([0, 2, 3, 1], np.int32))]
    )
    kernel = w.const(
        f"{name}/filter", rng.standard_normal((3, 3, channels_in, channels_out)).astype(np.float32)
    )
    conv = w.op(f"{name}/conv", "Conv2D", [nhwc, kernel], padding=text("SAME"), strides=ints(1, 1, 1, 1))
    biased = w.op(
        f"{name}/bias",
        "Add",
        [conv, w.const(f"{name}/b", rng.standard_normal(channels_out).astype(np.float32))],
    )
    nchw = w.op(
        f"{name}/nchw", "Transpose", [biased, w.const(f"{name}/p2", np.array([0, 3, 1, 2], np.int32))]
    )
    return w.op(f"{name}/act", "LeakyRelu", [nchw], alpha=flt(0.1))


def test_transposes_cancel_and_bias_fuses_into_conv(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 3, 8, 8])
    w.op("out", "Identity", [conv_block(w, conv_block(w, x, "a", 3, 4), "b", 4, 5)])
    model, _ = check_equivalent(tmp_path, w, ["out"])
    assert op_types(model) == ["Conv", "LeakyRelu", "Conv", "LeakyRelu", "Identity"]


def test_dynamic_batch_keeps_the_batch_in_reshape(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 3, 4, 4])
    block = conv_block(w, x, "a", 3, 6)
    flat = w.op("flat", "Reshape", [block, w.const("shape", np.array([1, 6, -1], np.int32))])
    w.op("out", "Transpose", [flat, w.const("perm", np.array([0, 2, 1], np.int32))])
    model, got = check_equivalent(tmp_path, w, ["out"], dynamic_batch=True, batch=3)
    assert got[0].shape == (3, 16, 6)
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert model.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_nodes_out_of_order_and_no_signature(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 4])
    w.op("out", "Sigmoid", [w.op("mid", "LeakyRelu", [x], alpha=flt(0.2))])
    path = w.write(tmp_path, ["out"], shuffle=True)
    document = json.loads(path.read_text())
    del document["signature"]
    path.write_text(json.dumps(document))
    graph = load_tfjs_graph(path)
    assert graph.outputs == ("out",)
    assert graph.inputs["x"].shape == (1, 4)
    assert [n.name for n in graph.nodes if n.op != "Const"] == ["x", "mid", "out"]


def test_constant_output_goes_through_identity(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 2])
    w.op("out", "Sigmoid", [x])
    w.op("fixed", "Identity", [w.const("anchors", np.arange(6, dtype=np.float32).reshape(1, 6))])
    _, got = check_equivalent(tmp_path, w, ["out", "fixed"])
    np.testing.assert_array_equal(got[1], np.arange(6, dtype=np.float32).reshape(1, 6))


@pytest.mark.parametrize(
    ("kind", "tolerance"), [("float16", 2e-3), ("uint8", 4 / 255), ("uint16", 4 / 65535)]
)
def test_quantized_weights_are_dequantized(tmp_path: Path, kind: str, tolerance: float) -> None:
    value = np.linspace(-2, 2, 24, dtype=np.float32).reshape(2, 3, 4)
    w = TfjsWriter()
    w.placeholder("x", [1])
    w.const("weight", value, quantize=kind)  # type: ignore[arg-type]
    graph = load_tfjs_graph(w.write(tmp_path, ["x"]))
    decoded = graph.constants["weight"]
    assert decoded.dtype == np.float32
    assert decoded.shape == (2, 3, 4)
    np.testing.assert_allclose(decoded, value, atol=tolerance)


def test_unknown_op_names_the_op_and_the_node(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 4])
    w.op("model/softsign_3", "Softsign", [x])
    graph = load_tfjs_graph(w.write(tmp_path, ["model/softsign_3"]))
    with pytest.raises(
        UnsupportedOpError, match=r"unsupported TF.js op 'Softsign' in node 'model/softsign_3'"
    ):
        convert(graph)


def test_filter_computed_from_the_input_is_refused(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 4, 4, 1])
    w.op("conv", "Conv2D", [x, x], padding=text("VALID"), strides=ints(1, 1, 1, 1))
    graph = load_tfjs_graph(w.write(tmp_path, ["conv"]))
    with pytest.raises(ConversionError, match=r"node 'conv' \(Conv2D\): the filter must be a constant"):
        convert(graph)


def test_broken_files_are_reported_with_their_path(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text("{not json")
    with pytest.raises(ConversionError, match=r"model\.json: not a TF\.js graph model"):
        load_tfjs_graph(bad)
    w = TfjsWriter()
    w.placeholder("x", [1])
    w.const("weight", np.ones(8, np.float32))
    path = w.write(tmp_path / "short", ["x"])
    (path.parent / "weights.bin").write_bytes(b"\0" * 12)
    with pytest.raises(ConversionError, match="'weight' runs past the end of the shards"):
        load_tfjs_graph(path)


def node(op: str, **attrs: dict[str, object]) -> TfjsNode:
    return TfjsNode(name=op.lower(), op=op, inputs=(), attrs=attrs)


def test_reference_resize_follows_tensorflow() -> None:
    x = np.array([0.0, 1.0], np.float32).reshape(1, 1, 2, 1)
    size = np.array([1, 4], np.int32)
    half_pixel = evaluate_node(node("ResizeBilinear", half_pixel_centers=flag(True)), [x, size])[0]
    corners = evaluate_node(node("ResizeBilinear", align_corners=flag(True)), [x, size])[0]
    legacy = evaluate_node(node("ResizeBilinear"), [x, size])[0]
    np.testing.assert_allclose(half_pixel.ravel(), [0, 0.25, 0.75, 1])
    np.testing.assert_allclose(corners.ravel(), [0, 1 / 3, 2 / 3, 1], rtol=1e-6)
    np.testing.assert_allclose(legacy.ravel(), [0, 0.5, 1, 1])


def test_reference_conv_same_padding_puts_the_odd_pixel_at_the_end() -> None:
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    ones = np.ones((2, 2, 1, 1), np.float32)
    out = evaluate_node(node("Conv2D", padding=text("SAME"), strides=ints(1, 2, 2, 1)), [x, ones])[0]
    # 4 wide, stride 2, kernel 2: no padding needed, windows start at 0 and 2.
    np.testing.assert_array_equal(
        out[0, :, :, 0], [[0 + 1 + 4 + 5, 2 + 3 + 6 + 7], [8 + 9 + 12 + 13, 10 + 11 + 14 + 15]]
    )
    out = evaluate_node(node("Conv2D", padding=text("SAME"), strides=ints(1, 1, 1, 1)), [x, ones])[0]
    assert out[0, 3, 3, 0] == 15  # the padding row and column come after the last pixel
    assert out[0, 0, 0, 0] == 0 + 1 + 4 + 5


def test_reference_max_pool_and_sparse_to_dense() -> None:
    x = np.array([[1, 5, 2], [7, 3, 0], [4, 8, 6]], np.float32).reshape(1, 3, 3, 1)
    pooled = evaluate_node(
        node("MaxPool", ksize=ints(1, 2, 2, 1), strides=ints(1, 1, 1, 1), padding=text("VALID")), [x]
    )
    np.testing.assert_array_equal(pooled[0][0, :, :, 0], [[7, 5], [8, 8]])
    dense = evaluate_node(
        node("SparseToDense"),
        [
            np.array([[0, 1], [1, 0]]),
            np.array([2, 2]),
            np.array([3.0, 4.0], np.float32),
            np.array(9.0, np.float32),
        ],
    )[0]
    np.testing.assert_array_equal(dense, [[9, 3], [4, 9]])


def test_reference_needs_every_input(tmp_path: Path) -> None:
    w = TfjsWriter()
    w.op("out", "Sigmoid", [w.placeholder("x", [1])])
    graph = load_tfjs_graph(w.write(tmp_path, ["out"]))
    with pytest.raises(ConversionError, match="no value fed for input 'x'"):
        run_reference(graph, {})
