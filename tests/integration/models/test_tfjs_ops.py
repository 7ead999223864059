"""Op by op: each TF.js op Kuzet converts gives the same numbers under ONNX Runtime as the NumPy reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from kuzet.adapters.models.loader import load_onnx
from kuzet.adapters.models.reference import run_reference
from kuzet.adapters.models.tfjs_model import ConversionError, load_tfjs_graph, with_input_size
from kuzet.adapters.models.tfjs_to_onnx import convert
from tests.integration.models.equivalence import check_equivalent, op_types
from tests.integration.models.tfjs_writer import TfjsWriter, dtype, flag, flt, ints, text

RNG = np.random.default_rng(7)


def weights(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize(
    ("padding", "case"),
    [
        ("VALID", (1, 1, 3, None)),  # stride, dilation, kernel, explicit paddings
        ("SAME", (2, 1, 3, None)),
        ("SAME", (1, 2, 3, None)),
        ("SAME", (2, 1, 2, None)),  # even kernel: TF puts the odd pixel of padding at the end
        ("SAME", (1, 1, 1, None)),
        ("EXPLICIT", (2, 1, 3, (1, 2, 2, 1))),
    ],
)
def test_conv2d(tmp_path: Path, padding: str, case: tuple[int, int, int, tuple[int, ...] | None]) -> None:
    stride, dilation, kernel, explicit = case
    w = TfjsWriter()
    x = w.placeholder("x", [1, 9, 10, 3])
    attrs = {
        "padding": text(padding),
        "strides": ints(1, stride, stride, 1),
        "dilations": ints(1, dilation, dilation, 1),
        "data_format": text("NHWC"),
    }
    if explicit:
        attrs["explicit_paddings"] = ints(0, 0, explicit[0], explicit[1], explicit[2], explicit[3], 0, 0)
    conv = w.op("conv", "Conv2D", [x, w.const("filter", weights(kernel, kernel, 3, 4))], **attrs)
    w.op("out", "Add", [conv, w.const("bias", weights(4))])
    check_equivalent(tmp_path, w, ["out"])


@pytest.mark.parametrize(("padding", "stride", "multiplier"), [("SAME", 1, 2), ("VALID", 2, 1)])
def test_depthwise_conv2d(tmp_path: Path, padding: str, stride: int, multiplier: int) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 8, 7, 3])
    attrs = {"padding": text(padding), "strides": ints(1, stride, stride, 1), "dilations": ints(1, 1, 1, 1)}
    w.op("out", "DepthwiseConv2dNative", [x, w.const("filter", weights(3, 3, 3, multiplier))], **attrs)
    check_equivalent(tmp_path, w, ["out"])


@pytest.mark.parametrize(("padding", "size", "stride"), [("VALID", 3, 2), ("SAME", 2, 2), ("SAME", 3, 1)])
def test_max_pool(tmp_path: Path, padding: str, size: int, stride: int) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 9, 8, 2])
    w.op(
        "out",
        "MaxPool",
        [x],
        ksize=ints(1, size, size, 1),
        strides=ints(1, stride, stride, 1),
        padding=text(padding),
    )
    check_equivalent(tmp_path, w, ["out"])


def test_pad_v2_with_minus_infinity_then_max_pool(tmp_path: Path) -> None:
    """NanoDet's stem: PadV2(-inf) on NCHW, transpose to NHWC, 3×3/2 VALID max pool, transpose back."""
    w = TfjsWriter()
    x = w.placeholder("x", [1, 2, 7, 6])
    paddings = w.const("paddings", np.array([[0, 0], [0, 0], [1, 1], [1, 1]], np.int32))
    padded = w.op("padded", "PadV2", [x, paddings, w.const("fill", np.array(-np.inf, np.float32))])
    nhwc = w.op("nhwc", "Transpose", [padded, w.const("p1", np.array([0, 2, 3, 1], np.int32))])
    pooled = w.op(
        "pool", "MaxPool", [nhwc], ksize=ints(1, 3, 3, 1), strides=ints(1, 2, 2, 1), padding=text("VALID")
    )
    w.op("out", "Transpose", [pooled, w.const("p2", np.array([0, 3, 1, 2], np.int32))])
    check_equivalent(tmp_path, w, ["out"])


@pytest.mark.parametrize(
    ("align_corners", "half_pixel", "size"),
    [(False, True, (26, 26)), (False, True, (4, 5)), (True, False, (11, 7)), (False, False, (6, 13))],
)
def test_resize_bilinear(
    tmp_path: Path, align_corners: bool, half_pixel: bool, size: tuple[int, int]
) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 13, 9, 3])
    target = w.const("size", np.array(size, np.int32))
    w.op(
        "out",
        "ResizeBilinear",
        [x, target],
        align_corners=flag(align_corners),
        half_pixel_centers=flag(half_pixel),
    )
    check_equivalent(tmp_path, w, ["out"])


def test_pad_transpose_reshape_concat(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 3, 4, 5])
    padded = w.op(
        "padded", "Pad", [x, w.const("paddings", np.array([[0, 0], [1, 0], [0, 2], [3, 1]], np.int32))]
    )
    moved = w.op("moved", "Transpose", [padded, w.const("perm", np.array([0, 2, 3, 1], np.int32))])
    flat = w.op("flat", "Reshape", [moved, w.const("shape", np.array([1, -1, 4], np.int32))])
    w.op("out", "ConcatV2", [flat, flat, w.const("axis", np.array(-1, np.int32))], N={"i": "2"})
    check_equivalent(tmp_path, w, ["out"])


def test_split_v_sigmoid_leaky_relu_and_broadcast_add(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, 7, 5])
    sizes = w.const("sizes", np.array([4, 3], np.int32))
    split = w.op("split", "SplitV", [x, sizes, w.const("dim", np.array(1, np.int32))], num_split={"i": "2"})
    w.op("scores", "Sigmoid", [split])
    leaky = w.op("leaky", "LeakyRelu", [f"{split}:1"], alpha=flt(0.1))
    w.op("shifted", "AddV2", [leaky, w.const("row", weights(1, 1, 5))])
    w.op("same", "Identity", ["shifted"])
    _, got = check_equivalent(tmp_path, w, ["scores", "same"])
    assert got[0].shape == (1, 4, 5)
    assert got[1].shape == (1, 3, 5)


def test_sparse_to_dense_with_computed_values(tmp_path: Path) -> None:
    """Values from the input (so not folded): Expand the default, then ScatterND."""
    w = TfjsWriter()
    x = w.placeholder("x", [1, 3])
    flat = w.op("flat", "Reshape", [x, w.const("shape", np.array([3], np.int32))])
    split = w.op(
        "split",
        "SplitV",
        [flat, w.const("sizes", np.array([2, 1], np.int32)), w.const("dim", np.array(0, np.int32))],
        num_split={"i": "2"},
    )
    indices = w.const("indices", np.array([[0, 1], [2, 3]], np.int32))
    dense_shape = w.const("dense_shape", np.array([3, 4], np.int32))
    default = w.const("default", np.array(-1.5, np.float32))
    w.op("out", "SparseToDense", [indices, dense_shape, split, default], validate_indices=flag(True))
    model, got = check_equivalent(tmp_path, w, ["out"])
    assert "ScatterND" in op_types(model)
    assert got[0][0, 1] != -1.5
    assert got[0][1, 1] == -1.5


def test_constant_sub_graph_folds_like_nanodet(tmp_path: Path) -> None:
    """NanoDet computes its reshape target as AddV2(const, SparseToDense(empty)): folded away."""
    w = TfjsWriter()
    x = w.placeholder("x", [1, 6, 2, 2])
    empty = w.const("where", np.zeros((0, 1), np.int32))
    zeros = w.op(
        "zeros",
        "SparseToDense",
        [
            empty,
            w.const("n", np.array([3], np.int32)),
            w.const("none", np.zeros(0, np.int32)),
            w.const("zero", np.array(0, np.int32)),
        ],
        T=dtype("DT_INT64"),
    )
    target = w.op("target", "AddV2", [w.const("base", np.array([1, 6, -1], np.int32)), zeros])
    w.op("out", "Reshape", [x, target])
    model, got = check_equivalent(tmp_path, w, ["out"])
    assert op_types(model) == ["Reshape"]
    assert got[0].shape == (1, 6, 4)


def test_resize_sizes_follow_a_variable_input_size(tmp_path: Path) -> None:
    """×2 and ×0.5 resizes of an NCHW graph exported at 8×8 run at 8×12 and 16×4 as the graph exported
    at those sizes would."""
    w = TfjsWriter()
    x = w.placeholder("x", [1, 3, 8, 8])
    nhwc = w.op("nhwc", "Transpose", [x, w.const("perm", np.array([0, 2, 3, 1], np.int32))])
    for name, size in (("up", [16, 16]), ("down", [4, 4])):
        target = w.const(f"{name}_size", np.array(size, np.int32))
        w.op(name, "ResizeBilinear", [nhwc, target], half_pixel_centers=flag(True))
    graph = load_tfjs_graph(w.write(tmp_path / "tfjs", ["up", "down"]))
    model = convert(graph, dynamic_batch=True, dynamic_size=True)
    onnx.save(model, str(tmp_path / "model.onnx"))
    session = load_onnx(tmp_path / "model.onnx")
    assert session.input_shape == (None, 3, None, None)
    for height, width in ((8, 8), (8, 12), (16, 4)):
        pixels = RNG.standard_normal((2, 3, height, width)).astype(np.float32)
        ours = session.run(pixels)
        reference = run_reference(with_input_size(graph, height, width), {"x": pixels})
        for got, expected in zip(ours, reference.values(), strict=True):
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    assert [o.shape[1:3] for o in ours] == [(32, 8), (8, 2)]


def test_a_variable_input_size_needs_a_fixed_exported_size(tmp_path: Path) -> None:
    w = TfjsWriter()
    x = w.placeholder("x", [1, -1, -1, 3])
    w.op("out", "ResizeBilinear", [x, w.const("size", np.array([4, 4], np.int32))])
    graph = load_tfjs_graph(w.write(tmp_path / "tfjs", ["out"]))
    with pytest.raises(ConversionError, match="no fixed size to scale from"):
        convert(graph, dynamic_size=True)
