"""Read a TF.js graph model (``model.json`` + weight shards) into plain Python and NumPy.

The format: ``modelTopology.node`` is a TensorFlow GraphDef as JSON (``name``, ``op``, ``input``,
``attr``); every ``Const`` takes its value from ``weightsManifest``, whose groups list the shard files
(concatenated in order) and, per tensor, ``dtype``, ``shape`` and an optional ``quantization``
(``uint8``/``uint16`` affine: ``q * scale + min``; ``float16``: stored as half floats). TF.js keeps
``int64`` tensors as ``int32``, so integer constants come back as ``int32``.

Example::

    graph = load_tfjs_graph(Path("models/nanodet.json"))
    graph.inputs["input_1"].shape  # (1, 3, 416, 416)
"""

from __future__ import annotations

import base64
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kuzet.errors import KuzetError

Array = NDArray[Any]

TF_DTYPES: dict[str, type[np.generic]] = {
    "DT_FLOAT": np.float32,
    "DT_INT32": np.int32,
    "DT_INT64": np.int64,
    "DT_BOOL": np.bool_,
}
WEIGHT_DTYPES: dict[str, type[np.generic]] = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
QUANTIZED_DTYPES: dict[str, type[np.generic]] = {
    "uint8": np.uint8,
    "uint16": np.uint16,
    "float16": np.float16,
}


class ConversionError(KuzetError):
    """A TF.js model cannot be read or converted; the message names the file, node or op."""


class UnsupportedOpError(ConversionError):
    """The graph uses an op Kuzet's converter does not implement."""

    def __init__(self, op: str, node: str) -> None:
        super().__init__(f"unsupported TF.js op {op!r} in node {node!r}")
        self.op = op
        self.node = node


@dataclass(frozen=True, slots=True)
class TfjsNode:
    """One GraphDef node; ``inputs`` are tensor references (``name`` or ``name:k``), control deps dropped."""

    name: str
    op: str
    inputs: tuple[str, ...]
    attrs: dict[str, Any] = field(default_factory=dict)

    def attr_ints(self, key: str) -> list[int]:
        return [int(v) for v in self.attrs.get(key, {}).get("list", {}).get("i", [])]

    def attr_int(self, key: str, default: int = 0) -> int:
        return int(self.attrs.get(key, {}).get("i", default))

    def attr_float(self, key: str, default: float = 0.0) -> float:
        return float(self.attrs.get(key, {}).get("f", default))

    def attr_bool(self, key: str, default: bool = False) -> bool:
        return bool(self.attrs.get(key, {}).get("b", default))

    def attr_str(self, key: str, default: str = "") -> str:
        encoded = self.attrs.get(key, {}).get("s")
        return base64.b64decode(encoded).decode() if encoded else default


@dataclass(frozen=True, slots=True)
class TensorSpec:
    """A graph input or output: its dtype and shape (``None`` where the size is not fixed)."""

    dtype: type[np.generic]
    shape: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class TfjsGraph:
    """Nodes in topological order, constant values by node name, and the signature."""

    nodes: tuple[TfjsNode, ...]
    constants: dict[str, Array]
    inputs: dict[str, TensorSpec]
    outputs: tuple[str, ...]

    def ops(self) -> set[str]:
        return {node.op for node in self.nodes}


def spatial_axes(shape: tuple[int | None, ...]) -> tuple[int, int]:
    """The height and width axes of a 4-D image input: 2, 3 when channels come first (the second
    dimension is the smaller of the two candidates, as in [N, 3, H, W]), else 1, 2 (NHWC)."""
    if len(shape) != 4:
        raise ConversionError(f"an image input is 4-D, got shape {list(shape)}")
    channels_first = (shape[1] or 0) < (shape[3] or 0)
    return (2, 3) if channels_first else (1, 2)


def with_input_size(graph: TfjsGraph, height: int, width: int) -> TfjsGraph:
    """The graph as its exporter would have written it for ``height`` × ``width`` images.

    TF.js graphs carry ``ResizeBilinear`` output sizes as constants traced at the export size, though
    the network upsamples by a factor (NanoDet's FPN: ×2, ×0.5). Here each such size scales with the
    input, ``size × new // declared`` per axis, the rule the converter emits for a variable input size.
    """
    (name, spec), *_ = graph.inputs.items()
    axes = spatial_axes(spec.shape)
    declared = [spec.shape[axes[0]] or 0, spec.shape[axes[1]] or 0]
    if 0 in declared:
        raise ConversionError(f"input {name!r} has no fixed size to scale from: {list(spec.shape)}")
    shape = list(spec.shape)
    shape[axes[0]], shape[axes[1]] = height, width
    constants = dict(graph.constants)
    for node in graph.nodes:
        size_name = tensor_ref(node.inputs[1])[0] if node.op == "ResizeBilinear" else None
        if size_name is not None and size_name in constants:
            size = graph.constants[size_name].astype(np.int64)
            new = [int(s) * n // d for s, n, d in zip(size, (height, width), declared, strict=True)]
            constants[size_name] = np.asarray(new, graph.constants[size_name].dtype)
    inputs = {**graph.inputs, name: TensorSpec(spec.dtype, tuple(shape))}
    return TfjsGraph(graph.nodes, constants, inputs, graph.outputs)


def tensor_ref(ref: str) -> tuple[str, int]:
    """``"conv:1"`` → ``("conv", 1)``; ``"conv"`` → ``("conv", 0)``."""
    name, _, index = ref.partition(":")
    return name, int(index) if index else 0


def load_tfjs_graph(model_json: Path) -> TfjsGraph:
    """Parse ``model.json`` and its weight shards (looked up next to it)."""
    try:
        document = json.loads(model_json.read_text(encoding="utf-8"))
        topology = document["modelTopology"]
        raw_nodes = topology["node"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConversionError(f"{model_json}: not a TF.js graph model ({exc})") from exc
    nodes = [
        TfjsNode(
            name=raw["name"],
            op=raw["op"],
            inputs=tuple(ref for ref in raw.get("input", []) if not ref.startswith("^")),
            attrs=raw.get("attr", {}),
        )
        for raw in raw_nodes
    ]
    constants = read_weights(model_json, document.get("weightsManifest", []))
    missing = [n.name for n in nodes if n.op == "Const" and n.name not in constants]
    if missing:
        raise ConversionError(f"{model_json}: constants without weights: {', '.join(missing[:5])}")
    inputs, outputs = signature(document.get("signature") or {}, nodes)
    return TfjsGraph(tuple(topological(nodes)), constants, inputs, outputs)


def read_weights(model_json: Path, manifest: list[dict[str, Any]]) -> dict[str, Array]:
    values: dict[str, Array] = {}
    for group in manifest:
        try:
            blob = b"".join((model_json.parent / path).read_bytes() for path in group["paths"])
        except OSError as exc:
            raise ConversionError(f"{model_json}: cannot read weights: {exc}") from exc
        offset = 0
        for spec in group["weights"]:
            value, offset = decode_weight(spec, blob, offset, model_json)
            values[spec["name"]] = value
        if offset != len(blob):
            raise ConversionError(f"{model_json}: weights use {offset} bytes, shards hold {len(blob)}")
    return values


def decode_weight(spec: dict[str, Any], blob: bytes, offset: int, source: Path) -> tuple[Array, int]:
    shape = tuple(int(d) for d in spec["shape"])
    count = int(np.prod(shape)) if shape else 1
    quantization = spec.get("quantization")
    stored = quantization["dtype"] if quantization else spec["dtype"]
    dtype = QUANTIZED_DTYPES.get(stored) or WEIGHT_DTYPES.get(stored)
    if dtype is None:
        raise ConversionError(f"{source}: weight {spec['name']!r} has unsupported dtype {stored!r}")
    size = count * np.dtype(dtype).itemsize
    if offset + size > len(blob):
        raise ConversionError(f"{source}: weight {spec['name']!r} runs past the end of the shards")
    raw = np.frombuffer(blob, dtype=np.dtype(dtype).newbyteorder("<"), count=count, offset=offset)
    value = dequantize(raw, quantization, spec["dtype"]) if quantization else raw.astype(dtype)
    return value.reshape(shape), offset + size


def dequantize(raw: Array, quantization: dict[str, Any], target: str) -> Array:
    if quantization["dtype"] == "float16":
        return raw.astype(np.float32)
    values = raw.astype(np.float64) * float(quantization["scale"]) + float(quantization["min"])
    if target == "int32":
        return np.round(values).astype(np.int32)
    return values.astype(np.float32)


def signature(
    document: dict[str, Any], nodes: list[TfjsNode]
) -> tuple[dict[str, TensorSpec], tuple[str, ...]]:
    """Inputs and outputs from the signature, or else Placeholders and unconsumed nodes."""
    placeholders = {n.name: n for n in nodes if n.op == "Placeholder"}
    inputs: dict[str, TensorSpec] = {}
    for key, entry in (document.get("inputs") or {}).items():
        name = tensor_ref(entry.get("name", key))[0]
        inputs[name] = TensorSpec(TF_DTYPES.get(entry.get("dtype", ""), np.float32), dims(entry))
    for name, node in placeholders.items():
        if name not in inputs:
            dtype = TF_DTYPES.get(node.attrs.get("dtype", {}).get("type", ""), np.float32)
            inputs[name] = TensorSpec(dtype, dims(node.attrs.get("shape", {})))
    outputs = tuple(entry.get("name", key) for key, entry in (document.get("outputs") or {}).items())
    if not outputs:
        consumed = {tensor_ref(ref)[0] for n in nodes for ref in n.inputs}
        outputs = tuple(n.name for n in nodes if n.name not in consumed and n.op != "Const")
    return inputs, tuple(ref.removesuffix(":0") for ref in outputs)


def dims(entry: dict[str, Any]) -> tuple[int | None, ...]:
    raw = entry.get("tensorShape", entry.get("shape", {})).get("dim", [])
    sizes = (int(d.get("size", -1)) for d in raw)
    return tuple(size if size >= 0 else None for size in sizes)


def topological(nodes: list[TfjsNode]) -> list[TfjsNode]:
    """Order nodes so that each comes after its inputs (TF.js files are not always ordered)."""
    by_name = {n.name: n for n in nodes}
    waiting = {n.name: {tensor_ref(ref)[0] for ref in n.inputs} for n in nodes}
    for node in nodes:
        unknown = waiting[node.name] - by_name.keys()
        if unknown:
            raise ConversionError(f"node {node.name!r} reads unknown tensor {sorted(unknown)[0]!r}")
    consumers: dict[str, list[str]] = {}
    for name, sources in waiting.items():
        for source in sources:
            consumers.setdefault(source, []).append(name)
    ready = deque(n.name for n in nodes if not waiting[n.name])
    ordered: list[TfjsNode] = []
    while ready:
        name = ready.popleft()
        ordered.append(by_name[name])
        for consumer in consumers.get(name, []):
            waiting[consumer].discard(name)
            if not waiting[consumer]:
                ready.append(consumer)
    if len(ordered) != len(nodes):
        stuck = next(n.name for n in nodes if waiting[n.name])
        raise ConversionError(f"graph has a cycle through node {stuck!r}")
    return ordered
