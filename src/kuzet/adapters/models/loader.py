"""Open ONNX model files for the vision layer, with errors a person can act on.

A missing file, a file that is not ONNX (truncated download, wrong file), one ONNX Runtime refuses,
and a model whose inputs or outputs do not have the shapes the detector needs each raise
``ModelFileError`` naming the file and, for shapes, what was expected and what was found. Sessions
use ``threads`` intra-op threads (default 1: a camera worker per core scales better than one worker
on many) and one inter-op thread.

Example::

    model = load_onnx(Path("var/models/nanodet.onnx"), nanodet.SIGNATURE, threads=1)
    outputs = model.run(batch)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort  # type: ignore[import-untyped]
from numpy.typing import NDArray

from kuzet.vision.detectors.base import DetectorError, ModelSignature, Shape, TensorPattern


class ModelFileError(DetectorError):
    """A model file is missing, corrupt, or not the model the caller expects."""


@dataclass(frozen=True, slots=True)
class LoadedOnnxModel:
    """An ONNX Runtime session over a checked single-input model (implements ``OnnxModel``)."""

    path: Path
    session: Any = field(repr=False)
    input_name: str
    input_shape: Shape
    output_shapes: tuple[Shape, ...]
    metadata: Mapping[str, str]

    def run(self, batch: NDArray[np.float32]) -> list[NDArray[np.float32]]:
        outputs = self.session.run(None, {self.input_name: batch})
        return [np.asarray(out, dtype=np.float32) for out in outputs]


def session_options(threads: int = 1) -> Any:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def load_onnx(path: Path, signature: ModelSignature | None = None, *, threads: int = 1) -> LoadedOnnxModel:
    """Open ``path`` on the CPU; check it against ``signature`` when given."""
    check_onnx_file(path)
    try:
        session = ort.InferenceSession(
            str(path), session_options(threads), providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # ONNX Runtime's errors derive from Exception only
        raise ModelFileError(f"{path}: ONNX Runtime cannot load the model: {exc}") from exc
    inputs, outputs = session.get_inputs(), session.get_outputs()
    input_shapes = tuple(shape_of(i.shape) for i in inputs)
    output_shapes = tuple(shape_of(o.shape) for o in outputs)
    if signature is not None:
        check_signature(path, signature, input_shapes, output_shapes)
    return LoadedOnnxModel(
        path=path,
        session=session,
        input_name=inputs[0].name,
        input_shape=input_shapes[0],
        output_shapes=output_shapes,
        metadata=dict(session.get_modelmeta().custom_metadata_map),
    )


def check_onnx_file(path: Path) -> onnx.ModelProto:
    """The parsed model, or ``ModelFileError`` for a missing, unreadable or invalid file."""
    if not path.is_file():
        hint = " (run `kuzet models install`)" if path.name == "nanodet.onnx" else ""
        raise ModelFileError(f"model file not found: {path}{hint}")
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # protobuf's DecodeError and friends
        raise ModelFileError(f"{path}: not an ONNX model (corrupt or truncated?): {exc}") from exc
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(f"{path}: not a valid ONNX model (corrupt or truncated?): {first}") from exc
    return model


def shape_of(dims: list[int | str | None]) -> Shape:
    """ONNX Runtime's shape (ints, symbolic names, None) with every non-fixed size as ``None``."""
    return tuple(d if isinstance(d, int) and d >= 0 else None for d in dims)


def check_signature(
    path: Path, signature: ModelSignature, inputs: tuple[Shape, ...], outputs: tuple[Shape, ...]
) -> None:
    if len(inputs) != len(signature.inputs) or not all(
        p.matches(s) for p, s in zip(signature.inputs, inputs, strict=True)
    ):
        raise mismatch(path, "inputs", signature.inputs, inputs)
    if len(outputs) != len(signature.outputs):
        raise mismatch(path, "outputs", signature.outputs, outputs)
    if signature.outputs_in_any_order:
        unmatched = list(outputs)
        for pattern in signature.outputs:
            hit = next((s for s in unmatched if pattern.matches(s)), None)
            if hit is None:
                raise mismatch(path, "outputs", signature.outputs, outputs)
            unmatched.remove(hit)
    elif not all(p.matches(s) for p, s in zip(signature.outputs, outputs, strict=True)):
        raise mismatch(path, "outputs", signature.outputs, outputs)


def mismatch(
    path: Path, kind: str, expected: tuple[TensorPattern, ...], found: tuple[Shape, ...]
) -> ModelFileError:
    want = "; ".join(str(p) for p in expected)
    have = "; ".join("[" + ", ".join("?" if d is None else str(d) for d in s) + "]" for s in found)
    return ModelFileError(f"{path}: unexpected {kind}: expected {want}, found {have}")
