"""Write small TF.js graph models (``model.json`` + ``weights.bin``) for the converter tests.

Attributes are given in the GraphDef JSON form TF.js uses; the helpers ``ints``, ``flt``, ``flag``,
``text`` and ``dtype`` build them.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Quantization = Literal["float16", "uint8", "uint16"]


def ints(*values: int) -> dict[str, Any]:
    return {"list": {"i": [str(v) for v in values]}}


def flt(value: float) -> dict[str, Any]:
    return {"f": value}


def flag(value: bool) -> dict[str, Any]:
    return {"b": value}


def text(value: str) -> dict[str, Any]:
    return {"s": base64.b64encode(value.encode()).decode()}


def dtype(name: str = "DT_FLOAT") -> dict[str, Any]:
    return {"type": name}


class TfjsWriter:
    """Collects nodes and weights; ``write`` saves them as a TF.js graph model."""

    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.specs: list[dict[str, Any]] = []
        self.blobs: list[bytes] = []
        self.inputs: dict[str, list[int]] = {}

    def placeholder(self, name: str, shape: list[int]) -> str:
        dims = [{"size": str(d)} for d in shape]
        self.nodes.append(
            {"name": name, "op": "Placeholder", "attr": {"shape": {"shape": {"dim": dims}}, "dtype": dtype()}}
        )
        self.inputs[name] = shape
        return name

    def const(self, name: str, value: NDArray[Any], quantize: Quantization | None = None) -> str:
        value = np.asarray(value)
        kind = "int32" if value.dtype.kind in "iu" else "float32"
        self.nodes.append(
            {
                "name": name,
                "op": "Const",
                "attr": {"dtype": dtype("DT_INT32" if kind == "int32" else "DT_FLOAT")},
            }
        )
        spec: dict[str, Any] = {"name": name, "shape": list(value.shape), "dtype": kind}
        if quantize is None:
            self.blobs.append(value.astype(kind).tobytes())
        else:
            spec["quantization"], blob = quantized(value.astype(np.float32), quantize)
            self.blobs.append(blob)
        self.specs.append(spec)
        return name

    def op(self, name: str, op: str, inputs: list[str], **attrs: dict[str, Any]) -> str:
        self.nodes.append({"name": name, "op": op, "input": inputs, "attr": attrs})
        return name

    def write(self, folder: Path, outputs: list[str], shuffle: bool = False) -> Path:
        """Save to ``folder``; ``shuffle`` writes the nodes in reverse order (readers must sort them)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "weights.bin").write_bytes(b"".join(self.blobs))
        signature = {
            "inputs": {
                f"{n}:0": {
                    "name": f"{n}:0",
                    "dtype": "DT_FLOAT",
                    "tensorShape": {"dim": [{"size": str(d)} for d in s]},
                }
                for n, s in self.inputs.items()
            },
            "outputs": {
                f"{n}:0" if ":" not in n else n: {"name": f"{n}:0" if ":" not in n else n} for n in outputs
            },
        }
        document = {
            "format": "graph-model",
            "signature": signature,
            "modelTopology": {
                "node": self.nodes[::-1] if shuffle else self.nodes,
                "library": {},
                "versions": {},
            },
            "weightsManifest": [{"paths": ["weights.bin"], "weights": self.specs}],
        }
        path = folder / "model.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        return path


def quantized(value: NDArray[np.float32], kind: Quantization) -> tuple[dict[str, Any], bytes]:
    """TF.js quantisation: float16 as is; uint8/uint16 affine with ``min`` and ``scale``."""
    if kind == "float16":
        return {"dtype": "float16", "original_dtype": "float32"}, value.astype("<f2").tobytes()
    levels = 255 if kind == "uint8" else 65535
    low, high = float(value.min()), float(value.max())
    scale = (high - low) / levels or 1.0
    codes = np.round((value - low) / scale).astype("<u1" if kind == "uint8" else "<u2")
    return {"dtype": kind, "min": low, "scale": scale, "original_dtype": "float32"}, codes.tobytes()
