"""Evidence bundles: a zip of the clip, the original segments, the signed manifest and the public key.

Writing copies each file into the zip while hashing it and refuses to finish if a file does not match
the manifest (a segment altered on disk must not be signed as evidence). Verifying works on the zip or
on an unpacked folder and names every file that was altered, is missing or was added.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kuzet.adapters.archive.signing import fingerprint, load_public_key, signature_valid
from kuzet.domain.archive.evidence import MANIFEST_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME, EvidenceManifest
from kuzet.services.archive.errors import ArchiveIntegrityError
from kuzet.services.archive.ports import EvidenceSigner

README_NAME = "README.txt"
_README = """Kuzet evidence bundle.

manifest.json lists every file of this bundle with its SHA-256; manifest.sig is the Ed25519 signature
(base64) of manifest.json's exact bytes by the key in public_key.pem, whose SHA-256 fingerprint is in the
manifest. Check it with `kuzet evidence verify <this file>` or any Ed25519 tool.
"""
_CHUNK = 1 << 20


def _copy_hashed(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class ZipBundleWriter:
    """The ``BundleWriter`` port: one zip file (stored, not compressed: video does not compress)."""

    def __init__(self, signer: EvidenceSigner) -> None:
        self._signer = signer

    def write(self, target: Path, manifest: EvidenceManifest, files: Sequence[tuple[str, Path]]) -> str:
        expected = {f.name: f for f in manifest.files}
        manifest_bytes = manifest.to_json()
        part = target.with_name(target.name + ".part")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with zipfile.ZipFile(part, "x", compression=zipfile.ZIP_STORED, allowZip64=True) as bundle:
                for name, path in files:
                    with open(path, "rb") as source, bundle.open(name, "w", force_zip64=True) as entry:
                        sha256, _ = _copy_hashed(source, entry)
                    if sha256 != expected[name].sha256:
                        raise ArchiveIntegrityError(
                            f"{name} ({path}) no longer matches the hash recorded when it was written; "
                            "nothing was exported (run `kuzet archive verify`)"
                        )
                bundle.writestr(MANIFEST_NAME, manifest_bytes)
                bundle.writestr(SIGNATURE_NAME, base64.b64encode(self._signer.sign(manifest_bytes)) + b"\n")
                bundle.writestr(PUBLIC_KEY_NAME, self._signer.public_key_pem())
                bundle.writestr(README_NAME, _README)
            with open(part, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        return digest


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What verifying a bundle found; ``problems`` name the altered, missing or added files."""

    manifest: EvidenceManifest | None
    files_checked: int
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


class _BundleReader:
    """Read named files from a zip or a folder alike."""

    def __init__(self, path: Path, archive: zipfile.ZipFile | None) -> None:
        self._path, self._zip = path, archive

    def names(self) -> set[str]:
        if self._zip is not None:
            return {i.filename for i in self._zip.infolist() if not i.is_dir()}
        return {p.relative_to(self._path).as_posix() for p in self._path.rglob("*") if p.is_file()}

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name)
        return open(self._path / name, "rb")

    def read(self, name: str) -> bytes | None:
        try:
            with self.open(name) as f:
                return f.read()
        except (KeyError, FileNotFoundError, zipfile.BadZipFile):
            return None


@contextmanager
def _reader(path: Path) -> Iterator[_BundleReader]:
    if path.is_dir():
        yield _BundleReader(path, None)
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{path}: not a readable evidence bundle ({exc})") from None
    with archive:
        yield _BundleReader(path, archive)


def _file_hash(reader: _BundleReader, name: str) -> str | None:
    """SHA-256 of a file in the bundle; None when a zip's own checksum shows the bytes changed."""
    digest = hashlib.sha256()
    try:
        with reader.open(name) as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
    except zipfile.BadZipFile:
        return None
    return digest.hexdigest()


def _check_signature(reader: _BundleReader, trusted_key_pem: bytes | None) -> list[str]:
    manifest, signature, key_pem = (reader.read(n) for n in (MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME))
    missing = [n for n, v in ((SIGNATURE_NAME, signature), (PUBLIC_KEY_NAME, key_pem)) if v is None]
    if manifest is None or signature is None or key_pem is None:
        return [f"{n}: missing" for n in missing]
    try:
        key = load_public_key(trusted_key_pem or key_pem)
        raw_signature = base64.b64decode(signature.strip(), validate=True)
    except (ValueError, binascii.Error) as exc:
        return [f"{PUBLIC_KEY_NAME} or {SIGNATURE_NAME}: unreadable ({exc})"]
    problems = []
    if trusted_key_pem is not None and fingerprint(key) != fingerprint(load_public_key(key_pem)):
        problems.append(f"{PUBLIC_KEY_NAME}: not the trusted key (the bundle was signed by another key)")
    if not signature_valid(key, raw_signature, manifest):
        problems.append(f"{MANIFEST_NAME}: altered (its signature does not match)")
    return problems


def _check_files(reader: _BundleReader, manifest: EvidenceManifest) -> list[str]:
    problems = []
    present = reader.names()
    for item in manifest.files:
        if item.name not in present:
            problems.append(f"{item.name}: missing")
        elif (actual := _file_hash(reader, item.name)) != item.sha256:
            problems.append(f"{item.name}: altered (sha256 {actual or 'unreadable'}, manifest {item.sha256})")
    known = {f.name for f in manifest.files} | {MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME, README_NAME}
    problems += [f"{name}: added (not in the manifest)" for name in sorted(present - known)]
    return problems


def verify_bundle(path: Path, trusted_key_pem: bytes | None = None) -> BundleReport:
    """Check the signature over the manifest and every file's hash; ValueError if it is no bundle."""
    with _reader(path) as reader:
        manifest_bytes = reader.read(MANIFEST_NAME)
        if manifest_bytes is None:
            return BundleReport(None, 0, (f"{MANIFEST_NAME}: missing or unreadable",))
        problems = _check_signature(reader, trusted_key_pem)
        try:
            manifest = EvidenceManifest.from_json(manifest_bytes)
        except ValueError as exc:
            return BundleReport(None, 0, (*problems, f"{MANIFEST_NAME}: {exc}"))
        problems += _check_files(reader, manifest)
        if manifest.key_fingerprint != _bundled_fingerprint(reader):
            problems.append(f"{PUBLIC_KEY_NAME}: not the key named in the manifest")
    return BundleReport(manifest, len(manifest.files), tuple(problems))


def _bundled_fingerprint(reader: _BundleReader) -> str | None:
    pem = reader.read(PUBLIC_KEY_NAME)
    try:
        return fingerprint(load_public_key(pem)) if pem else None
    except ValueError:
        return None
