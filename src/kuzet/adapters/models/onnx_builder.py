"""The state of one TF.js → ONNX conversion: emitted nodes, initializers, and what each TF tensor is.

A TF tensor is either a constant (a NumPy value, folded or read from the weights, emitted as an
initializer only when an ONNX node reads it) or the output of an emitted ONNX node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from kuzet.adapters.models.tfjs_model import Array, ConversionError, TfjsNode, tensor_ref

OPSET = 18


@dataclass(frozen=True, slots=True)
class ImageInput:
    """The graph input whose height and width may vary: its name, H and W axes, and exported size."""

    name: str
    axes: tuple[int, int]
    declared: tuple[int, int]


class OnnxBuilder:
    """Collects ONNX nodes and initializers; maps TF tensor references to ONNX names or constants."""

    def __init__(self, dynamic_batch: bool, image: ImageInput | None = None) -> None:
        self.dynamic_batch = dynamic_batch
        self.image = image  # set when the input's height and width may vary
        self.image_hw: str | None = None
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.constants: dict[str, list[Array]] = {}
        self.tensors: dict[str, list[str]] = {}
        self.materialized: dict[str, str] = {}
        self.taken: set[str] = set()

    def fresh(self, hint: str) -> str:
        name, suffix = hint, 0
        while name in self.taken:
            suffix += 1
            name = f"{hint}__{suffix}"
        self.taken.add(name)
        return name

    def const(self, ref: str) -> Array | None:
        name, index = tensor_ref(ref)
        values = self.constants.get(name)
        return values[index] if values is not None else None

    def tensor(self, ref: str) -> str:
        """The ONNX name holding TF tensor ``ref``; a constant becomes an initializer on first use."""
        name, index = tensor_ref(ref)
        if name in self.tensors:
            return self.tensors[name][index]
        key = f"{name}:{index}"
        if key not in self.materialized:
            value = self.constants[name][index]
            self.materialized[key] = self.initializer(value, name if index == 0 else key)
        return self.materialized[key]

    def initializer(self, value: Array, hint: str) -> str:
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def int64(self, values: Array | list[int], hint: str) -> str:
        return self.initializer(np.asarray(values, dtype=np.int64), hint)

    def node(self, op_type: str, inputs: list[str], hint: str, outputs: int = 1, **attrs: Any) -> list[str]:
        names = [self.fresh(hint if i == 0 else f"{hint}:{i}") for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=names[0], **attrs))
        return names

    def input_hw(self) -> str:
        """The image input's run-time [H, W] (int64), read once (only with a variable input size)."""
        if self.image is None:
            raise ConversionError("the input size is fixed: there is no run-time size to read")
        if self.image_hw is None:
            start = self.image.axes[0]
            self.image_hw = self.node("Shape", [self.image.name], "input_hw", start=start, end=start + 2)[0]
        return self.image_hw

    def require_const(self, node: TfjsNode, index: int, what: str) -> Array:
        value = self.const(node.inputs[index])
        if value is None:
            raise ConversionError(f"node {node.name!r} ({node.op}): {what} must be a constant")
        return value
