"""ONNX emitters for the TF.js ops Kuzet converts, one function per op family.

Each emitter reads the node's inputs from the builder and returns the ONNX names of the node's
outputs, in TF output order. Inputs that TensorFlow passes as tensors but ONNX wants as attributes
(permutations, axes, paddings, split sizes, filters) must be constants; the error says which.
NHWC ops keep TF's layout at their boundary with a pair of transposes (see ``tfjs_to_onnx``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kuzet.adapters.models.onnx_builder import OnnxBuilder
from kuzet.adapters.models.reference import check_nhwc
from kuzet.adapters.models.tfjs_model import ConversionError, TfjsNode

Emitter = Callable[[OnnxBuilder, TfjsNode], list[str]]

TO_NCHW = [0, 3, 1, 2]
TO_NHWC = [0, 2, 3, 1]


def spatial_attrs(node: TfjsNode, kernel: tuple[int, int]) -> dict[str, Any]:
    """``kernel_shape``, ``strides`` and padding of an NHWC TF op as ONNX NCHW attributes."""
    strides = node.attr_ints("strides") or [1, 1, 1, 1]
    dilations = node.attr_ints("dilations") or [1, 1, 1, 1]
    attrs: dict[str, Any] = {"kernel_shape": list(kernel), "strides": strides[1:3]}
    padding = node.attr_str("padding", "VALID")
    if padding == "SAME" and strides[1:3] == [1, 1]:
        # Stride 1: the padding does not depend on the input size, so it can be explicit (ONNX
        # Runtime refuses auto_pad with dilations; TF refuses dilations with strides).
        totals = [(k - 1) * d for k, d in zip(kernel, dilations[1:3], strict=True)]
        attrs["pads"] = [t // 2 for t in totals] + [t - t // 2 for t in totals]
    elif padding == "SAME":
        attrs["auto_pad"] = "SAME_UPPER"  # TF puts the odd pixel at the end, as SAME_UPPER does
    elif padding == "EXPLICIT":
        explicit = node.attr_ints("explicit_paddings")
        attrs["pads"] = [explicit[2], explicit[4], explicit[3], explicit[5]]
    elif padding != "VALID":
        raise ConversionError(f"node {node.name!r} ({node.op}): padding {padding!r} is not supported")
    return attrs


def in_nchw(b: OnnxBuilder, node: TfjsNode, op_type: str, extra: list[str], **attrs: Any) -> list[str]:
    """``op_type`` on the NCHW view of the node's NHWC input; the result is NHWC again."""
    check_nhwc(node)
    nchw = b.node("Transpose", [b.tensor(node.inputs[0])], f"{node.name}/nchw", perm=TO_NCHW)
    out = b.node(op_type, [*nchw, *extra], f"{node.name}/{op_type.lower()}", **attrs)
    return b.node("Transpose", out, node.name, perm=TO_NHWC)


def conv2d(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    kernel = b.require_const(node, 1, "the filter")
    weight = b.initializer(kernel.transpose(3, 2, 0, 1), f"{node.name}/weight")  # HWIO → OIHW
    dilations = node.attr_ints("dilations") or [1, 1, 1, 1]
    attrs = spatial_attrs(node, kernel.shape[:2])
    return in_nchw(b, node, "Conv", [weight], dilations=dilations[1:3], **attrs)


def depthwise_conv2d(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    kernel = b.require_const(node, 1, "the filter")
    height, width, channels, multiplier = kernel.shape
    # TF output channel c * multiplier + m is ONNX group c, member m.
    weight = kernel.reshape(height, width, channels * multiplier).transpose(2, 0, 1)[:, None]
    dilations = node.attr_ints("dilations") or [1, 1, 1, 1]
    attrs = spatial_attrs(node, (height, width))
    name = b.initializer(weight, f"{node.name}/weight")
    return in_nchw(b, node, "Conv", [name], group=channels, dilations=dilations[1:3], **attrs)


def max_pool(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    ksize = node.attr_ints("ksize")
    return in_nchw(b, node, "MaxPool", [], **spatial_attrs(node, (ksize[1], ksize[2])))


def resize_bilinear(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    size = b.require_const(node, 1, "the output size")
    if node.attr_bool("align_corners"):
        mode = "align_corners"
    elif node.attr_bool("half_pixel_centers"):
        mode = "half_pixel"
    else:
        mode = "asymmetric"
    check_nhwc(node)
    nchw = b.node("Transpose", [b.tensor(node.inputs[0])], f"{node.name}/nchw", perm=TO_NCHW)
    # Full 4-D sizes (N and C read at run time): ONNX Runtime's transpose optimiser mishandles
    # Resize's ``axes`` when it pushes a transpose through the op.
    batch_and_channels = b.node("Shape", nchw, f"{node.name}/nc", start=0, end=2)
    sizes = b.node("Concat", [*batch_and_channels, resize_hw(b, node, size)], f"{node.name}/sizes", axis=0)
    attrs: dict[str, Any] = {"mode": "linear", "coordinate_transformation_mode": mode}
    resized = b.node("Resize", [*nchw, "", "", *sizes], f"{node.name}/resize", **attrs)
    return b.node("Transpose", resized, node.name, perm=TO_NHWC)


def resize_hw(b: OnnxBuilder, node: TfjsNode, size: NDArray[Any]) -> str:
    """The output [H, W]: the constant, or with a variable input size ``input_hw × size // declared``
    (see ``tfjs_model.with_input_size``), so NanoDet's ×2 and ×0.5 resizes follow any input."""
    if b.image is None:
        return b.int64(size, f"{node.name}/hw")
    scaled = b.node("Mul", [b.input_hw(), b.int64(size, f"{node.name}/hw")], f"{node.name}/hw_scaled")
    return b.node(
        "Div", [*scaled, b.int64(list(b.image.declared), f"{node.name}/declared")], f"{node.name}/hw"
    )[0]


def pad(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    paddings = b.require_const(node, 1, "the paddings").astype(np.int64)
    pads = b.int64(np.concatenate([paddings[:, 0], paddings[:, 1]]), f"{node.name}/pads")
    inputs = [b.tensor(node.inputs[0]), pads]
    if len(node.inputs) > 2:
        inputs.append(b.tensor(node.inputs[2]))
    return b.node("Pad", inputs, node.name, mode="constant")


def transpose(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    perm = b.require_const(node, 1, "the permutation")
    return b.node("Transpose", [b.tensor(node.inputs[0])], node.name, perm=[int(p) for p in perm])


def reshape(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    shape = b.require_const(node, 1, "the target shape").astype(np.int64).reshape(-1)
    allow_zero = int(bool((shape == 0).any()))  # TF's 0 is an empty dimension, ONNX's means "copy"
    if b.dynamic_batch and shape.size and shape[0] == 1 and not allow_zero:
        shape = np.concatenate([[0], shape[1:]])  # keep the (variable) batch dimension
    target = b.int64(shape, f"{node.name}/shape")
    return b.node("Reshape", [b.tensor(node.inputs[0]), target], node.name, allowzero=allow_zero)


def concat(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    axis = int(b.require_const(node, len(node.inputs) - 1, "the axis"))
    return b.node("Concat", [b.tensor(ref) for ref in node.inputs[:-1]], node.name, axis=axis)


def split_v(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    sizes = b.require_const(node, 1, "the split sizes").astype(np.int64)
    axis = int(b.require_const(node, 2, "the split axis"))
    if (sizes < 0).any():
        raise ConversionError(f"node {node.name!r} (SplitV): an inferred (-1) split size is not supported")
    split = b.int64(sizes, f"{node.name}/split")
    return b.node("Split", [b.tensor(node.inputs[0]), split], node.name, outputs=sizes.size, axis=axis)


def sparse_to_dense(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    """``Expand`` the default value to the output shape, then ``ScatterND`` the sparse values."""
    indices = b.require_const(node, 0, "sparse_indices").astype(np.int64)
    shape = b.require_const(node, 1, "output_shape").astype(np.int64).reshape(-1)
    values, default = b.tensor(node.inputs[2]), b.tensor(node.inputs[3])
    dense_name = node.name if indices.size == 0 else f"{node.name}/dense"
    dense = b.node("Expand", [default, b.int64(shape, f"{node.name}/shape")], dense_name)
    if indices.size == 0:
        return dense
    index = indices.reshape(-1, 1) if indices.ndim < 2 else indices
    count = b.int64([index.shape[0]], f"{node.name}/count")
    updates = b.node("Expand", [values, count], f"{node.name}/updates")  # a scalar value repeats
    where = b.int64(index, f"{node.name}/indices")
    return b.node("ScatterND", [*dense, where, *updates], node.name)


def unary(op_type: str) -> Emitter:
    def emit(b: OnnxBuilder, node: TfjsNode) -> list[str]:
        return b.node(op_type, [b.tensor(node.inputs[0])], node.name)

    return emit


def binary(op_type: str) -> Emitter:
    def emit(b: OnnxBuilder, node: TfjsNode) -> list[str]:
        return b.node(op_type, [b.tensor(ref) for ref in node.inputs[:2]], node.name)

    return emit


def leaky_relu(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    alpha = node.attr_float("alpha", 0.2)
    return b.node("LeakyRelu", [b.tensor(node.inputs[0])], node.name, alpha=alpha)


def identity(b: OnnxBuilder, node: TfjsNode) -> list[str]:
    return [b.tensor(node.inputs[0])]  # an alias; graph outputs get their own Identity


EMITTERS: dict[str, Emitter] = {
    "Identity": identity,
    "Add": binary("Add"),
    "AddV2": binary("Add"),
    "Sigmoid": unary("Sigmoid"),
    "LeakyRelu": leaky_relu,
    "Transpose": transpose,
    "Reshape": reshape,
    "ConcatV2": concat,
    "SplitV": split_v,
    "Pad": pad,
    "PadV2": pad,
    "Conv2D": conv2d,
    "DepthwiseConv2dNative": depthwise_conv2d,
    "MaxPool": max_pool,
    "ResizeBilinear": resize_bilinear,
    "SparseToDense": sparse_to_dense,
}
