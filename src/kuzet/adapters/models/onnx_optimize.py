"""Peephole clean-up of a converted ONNX graph: bias fusion, transpose folding, dead nodes.

The converter wraps every NHWC op in transposes; graphs that were NCHW before they became TF.js
(NanoDet came from PyTorch through ONNX and onnx-tf) then carry transpose pairs that cancel. ONNX
Runtime would remove most of them itself, but a clean file loads faster, reads better in Netron and
runs the same on any runtime. Every rewrite keeps the graph's outputs exactly.
"""

from __future__ import annotations

import onnx
from onnx import helper


def optimize(graph: onnx.GraphProto) -> None:
    """Rewrite ``graph`` in place until nothing changes."""
    changed = True
    while changed:
        changed = fuse_conv_bias(graph) | fold_transposes(graph)
        changed |= remove_dead(graph)


def perm_of(node: onnx.NodeProto) -> list[int]:
    return next(list(helper.get_attribute_value(a)) for a in node.attribute if a.name == "perm")


def producers(graph: onnx.GraphProto) -> dict[str, onnx.NodeProto]:
    return {out: node for node in graph.node for out in node.output}


def consumer_counts(graph: onnx.GraphProto) -> dict[str, int]:
    counts: dict[str, int] = {out.name: 1 for out in graph.output}
    for node in graph.node:
        for name in node.input:
            counts[name] = counts.get(name, 0) + 1
    return counts


def fuse_conv_bias(graph: onnx.GraphProto) -> bool:
    """``Conv → Transpose(to NHWC) → Add(bias[C])`` becomes ``Conv(bias) → Transpose``."""
    made = producers(graph)
    counts = consumer_counts(graph)
    constants = {init.name: init for init in graph.initializer}
    fused: list[onnx.NodeProto] = []
    for add in graph.node:
        if add.op_type != "Add":
            continue
        for data, bias in ((add.input[0], add.input[1]), (add.input[1], add.input[0])):
            flip = made.get(data)
            conv = made.get(flip.input[0]) if flip is not None and flip.op_type == "Transpose" else None
            if flip is None or conv is None or conv.op_type != "Conv" or len(conv.input) != 2:
                continue
            weight = constants.get(conv.input[1])
            if weight is None or bias not in constants or list(constants[bias].dims) != weight.dims[:1]:
                continue
            if perm_of(flip) != [0, 2, 3, 1] or counts[data] != 1 or counts[conv.output[0]] != 1:
                continue
            conv.input.append(bias)
            flip.output[0] = add.output[0]
            fused.append(add)
            break
    remove(graph, fused)
    return bool(fused)


def fold_transposes(graph: onnx.GraphProto) -> bool:
    """Compose a transpose of a transpose into one; drop those that end up as the identity."""
    made = producers(graph)
    outputs = {out.name for out in graph.output}
    renames: dict[str, str] = {}
    dropped: list[onnx.NodeProto] = []
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renames.get(name, name)
        if node.op_type != "Transpose":
            continue
        perm = perm_of(node)
        inner = made.get(node.input[0])
        if inner is not None and inner.op_type == "Transpose":
            inner_perm = perm_of(inner)
            perm = [inner_perm[p] for p in perm]
            node.input[0] = inner.input[0]
            set_perm(node, perm)
        if perm == sorted(perm):
            if node.output[0] in outputs:
                node.op_type = "Identity"
                del node.attribute[:]
            else:
                renames[node.output[0]] = node.input[0]
                dropped.append(node)
    remove(graph, dropped)
    return bool(dropped)


def set_perm(node: onnx.NodeProto, perm: list[int]) -> None:
    del node.attribute[:]
    node.attribute.append(helper.make_attribute("perm", perm))


def remove_dead(graph: onnx.GraphProto) -> bool:
    """Drop nodes none of whose outputs is read, and initializers nothing reads."""
    removed = False
    while True:
        counts = consumer_counts(graph)
        dead = [n for n in graph.node if not any(counts.get(out) for out in n.output)]
        if not dead:
            break
        remove(graph, dead)
        removed = True
    used = consumer_counts(graph)
    kept = [init for init in graph.initializer if used.get(init.name)]
    if len(kept) != len(graph.initializer):
        del graph.initializer[:]
        graph.initializer.extend(kept)
        removed = True
    return removed


def remove(graph: onnx.GraphProto, nodes: list[onnx.NodeProto]) -> None:
    if not nodes:
        return
    gone = {id(n) for n in nodes}
    kept = [n for n in graph.node if id(n) not in gone]
    del graph.node[:]
    graph.node.extend(kept)
