"""Class names for user models: from a labels file or from the names the exporter stored in the model."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

from kuzet.vision.detectors.base import DetectorError


def read_labels(path: Path) -> tuple[str, ...]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DetectorError(f"cannot read labels file {path}: {exc.strerror or exc}") from exc
    return tuple(line.strip() for line in lines if line.strip())


def names_from_metadata(metadata: Mapping[str, str]) -> tuple[str, ...] | None:
    """Ultralytics writes ``names`` as a Python dict literal: ``{0: 'person', 1: 'bicycle'}``."""
    raw = metadata.get("names")
    if not raw:
        return None
    try:
        parsed = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return None
    if isinstance(parsed, dict):
        return tuple(str(parsed[key]) for key in sorted(parsed))
    if isinstance(parsed, list | tuple):
        return tuple(str(name) for name in parsed)
    return None
