"""A NumPy evaluator of TF.js graphs, written from TensorFlow's op definitions.

It is the yardstick for Kuzet's TF.js → ONNX converter: the converted model must give the same
outputs under ONNX Runtime as this plain, layout-faithful evaluation (NHWC convolutions, TF's own
``SAME`` padding and bilinear-resize rules). It is slow (seconds per NanoDet frame) and that is fine:
it runs at install time and in tests, never per frame. The converter also uses it to fold constant
sub-graphs.

Example::

    graph = load_tfjs_graph(Path("nanodet.json"))
    outputs = run_reference(graph, {"input_1": np.zeros((1, 3, 416, 416), np.float32)})
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kuzet.adapters.models.tfjs_model import (
    Array,
    ConversionError,
    TfjsGraph,
    TfjsNode,
    UnsupportedOpError,
    tensor_ref,
)

ReferenceOp = Callable[[TfjsNode, list[Array]], list[Array]]


def run_reference(graph: TfjsGraph, feeds: dict[str, Array]) -> dict[str, Array]:
    """Evaluate the graph on ``feeds`` (by input name); return every graph output by name."""
    values: dict[str, list[Array]] = {}
    for node in graph.nodes:
        if node.op == "Placeholder":
            if node.name not in feeds:
                raise ConversionError(f"no value fed for input {node.name!r}")
            values[node.name] = [np.asarray(feeds[node.name])]
        elif node.op == "Const":
            values[node.name] = [graph.constants[node.name]]
        else:
            values[node.name] = evaluate_node(node, [lookup(values, ref) for ref in node.inputs])
    return {name: lookup(values, name) for name in graph.outputs}


def lookup(values: dict[str, list[Array]], ref: str) -> Array:
    name, index = tensor_ref(ref)
    return values[name][index]


def evaluate_node(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    """Run one op; raise ``UnsupportedOpError`` naming the op and the node when it is not known."""
    op = REFERENCE_OPS.get(node.op)
    if op is None:
        raise UnsupportedOpError(node.op, node.name)
    try:
        return op(node, inputs)
    except (ValueError, IndexError, TypeError) as exc:
        raise ConversionError(f"node {node.name!r} ({node.op}): {exc}") from exc


def check_nhwc(node: TfjsNode) -> None:
    layout = node.attr_str("data_format", "NHWC")
    if layout != "NHWC":
        raise ConversionError(f"node {node.name!r} ({node.op}): data_format {layout} is not supported")


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow's ``SAME``: output ``ceil(size / stride)``, the odd pixel of padding at the end."""
    effective = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def spatial_pads(node: TfjsNode, x: Array, kernel: tuple[int, int]) -> list[tuple[int, int]]:
    """Pads for H and W of an NHWC tensor from the node's ``padding`` attribute."""
    padding = node.attr_str("padding", "VALID")
    strides = node.attr_ints("strides") or [1, 1, 1, 1]
    dilations = node.attr_ints("dilations") or [1, 1, 1, 1]
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    if padding == "SAME":
        return [same_padding(x.shape[i], kernel[i - 1], strides[i], dilations[i]) for i in (1, 2)]
    if padding == "EXPLICIT":
        explicit = node.attr_ints("explicit_paddings")
        return [(explicit[2], explicit[3]), (explicit[4], explicit[5])]
    raise ConversionError(f"node {node.name!r}: padding {padding!r} is not supported")


def windows(node: TfjsNode, x: Array, kernel: tuple[int, int], fill: float) -> Array:
    """Sliding windows ``[N, OH, OW, C, kh, kw]`` of an NHWC tensor, padded, strided and dilated."""
    strides = node.attr_ints("strides") or [1, 1, 1, 1]
    dilations = node.attr_ints("dilations") or [1, 1, 1, 1]
    pads = spatial_pads(node, x, kernel)
    x = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)], constant_values=fill)
    span = tuple((kernel[i] - 1) * dilations[i + 1] + 1 for i in (0, 1))
    view = sliding_window_view(x, span, axis=(1, 2))
    return view[:, :: strides[1], :: strides[2], :, :: dilations[1], :: dilations[2]]


def conv2d(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    check_nhwc(node)
    x, kernel = inputs
    patches = windows(node, x, kernel.shape[:2], 0.0)
    if patches.shape[3] != kernel.shape[2]:
        raise ConversionError(f"node {node.name!r}: grouped Conv2D is not supported")
    return [np.einsum("nhwcij,ijcm->nhwm", patches, kernel, optimize=True).astype(x.dtype)]


def depthwise_conv2d(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    check_nhwc(node)
    x, kernel = inputs
    patches = windows(node, x, kernel.shape[:2], 0.0)
    out = np.einsum("nhwcij,ijcm->nhwcm", patches, kernel, optimize=True)
    return [out.reshape(*out.shape[:3], -1).astype(x.dtype)]


def max_pool(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    check_nhwc(node)
    ksize = node.attr_ints("ksize")
    patches = windows(node, inputs[0], (ksize[1], ksize[2]), -np.inf)
    return [patches.max(axis=(4, 5))]


def resize_bilinear(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    """TensorFlow's ``compute_interpolation_weights`` along H, then W."""
    x, size = inputs
    out = x.astype(np.float32)
    for axis, target in ((1, int(size[0])), (2, int(size[1]))):
        out = interpolate_axis(node, out, axis, target)
    return [out]


def interpolate_axis(node: TfjsNode, x: Array, axis: int, out_size: int) -> Array:
    in_size = x.shape[axis]
    align = node.attr_bool("align_corners")
    half_pixel = node.attr_bool("half_pixel_centers")
    scale = (in_size - 1) / (out_size - 1) if align and out_size > 1 else in_size / out_size
    positions = np.arange(out_size, dtype=np.float32)
    where = (positions + 0.5) * np.float32(scale) - 0.5 if half_pixel else positions * np.float32(scale)
    floor = np.floor(where)
    lower = np.maximum(floor, 0).astype(np.int64)
    upper = np.minimum(np.ceil(where), in_size - 1).astype(np.int64)
    shape = [1] * x.ndim
    shape[axis] = out_size
    lerp = (where - floor).astype(np.float32).reshape(shape)
    low, high = np.take(x, lower, axis=axis), np.take(x, upper, axis=axis)
    result: Array = low + (high - low) * lerp
    return result


def split_v(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    x, sizes, axis = inputs[0], [int(s) for s in inputs[1]], int(inputs[2])
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return list(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def sparse_to_dense(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    indices, shape, values, default = inputs
    out = np.full([int(s) for s in np.atleast_1d(shape)], default, dtype=values.dtype)
    if indices.size:
        index = indices.reshape(-1, 1) if indices.ndim < 2 else indices
        out[tuple(index.T)] = values
    return [out]


def pad(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    fill = inputs[2].item() if len(inputs) > 2 else 0
    return [np.pad(inputs[0], inputs[1].tolist(), constant_values=fill)]


def sigmoid(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    x = inputs[0]
    return [np.exp(-np.logaddexp(0, -x)).astype(x.dtype)]


def leaky_relu(node: TfjsNode, inputs: list[Array]) -> list[Array]:
    x = inputs[0]
    return [np.where(x > 0, x, x * np.float32(node.attr_float("alpha", 0.2))).astype(x.dtype)]


REFERENCE_OPS: dict[str, ReferenceOp] = {
    "Identity": lambda node, x: [x[0]],
    "Add": lambda node, x: [np.add(x[0], x[1])],
    "AddV2": lambda node, x: [np.add(x[0], x[1])],
    "Sigmoid": sigmoid,
    "LeakyRelu": leaky_relu,
    "Transpose": lambda node, x: [np.transpose(x[0], [int(p) for p in x[1]])],
    "Reshape": lambda node, x: [np.reshape(x[0], [int(s) for s in np.atleast_1d(x[1])])],
    "ConcatV2": lambda node, x: [np.concatenate(x[:-1], axis=int(x[-1]))],
    "SplitV": split_v,
    "Pad": pad,
    "PadV2": pad,
    "Conv2D": conv2d,
    "DepthwiseConv2dNative": depthwise_conv2d,
    "MaxPool": max_pool,
    "ResizeBilinear": resize_bilinear,
    "SparseToDense": sparse_to_dense,
}
