"""Evidence bundles: signed, and verification names every altered, missing or added file."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuzet.adapters.archive.bundle import ZipBundleWriter, verify_bundle
from kuzet.adapters.archive.signing import Ed25519Signer
from kuzet.domain.archive.evidence import BundleFile, EvidenceManifest
from kuzet.domain.archive.model import TimeRange
from kuzet.services.archive.errors import ArchiveIntegrityError
from tests.unit.archive.media import flip_byte

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)


def item(name: str, path: Path) -> BundleFile:
    data = path.read_bytes()
    return BundleFile(name, hashlib.sha256(data).hexdigest(), len(data), T0, T0 + timedelta(seconds=10))


@pytest.fixture
def signer(tmp_path: Path) -> Ed25519Signer:
    return Ed25519Signer(tmp_path / "keys" / "evidence.pem")


def make_bundle(tmp_path: Path, signer: Ed25519Signer) -> Path:
    clip, seg = tmp_path / "clip.mp4", tmp_path / "a.ts"
    clip.write_bytes(b"clip bytes " * 1000)
    seg.write_bytes(b"segment bytes " * 1000)
    manifest = EvidenceManifest(
        export_id="e1",
        camera_id="st-1",
        range=TimeRange(T0, T0 + timedelta(seconds=10)),
        case_number="K-1",
        reason="court",
        recipient="court",
        created_by="supervisor",
        created_at=T0,
        clip=item("clip.mp4", clip),
        segments=(item("segments/a.ts", seg),),
        key_fingerprint=signer.fingerprint,
    )
    target = tmp_path / "out" / "bundle.zip"
    ZipBundleWriter(signer).write(target, manifest, [("clip.mp4", clip), ("segments/a.ts", seg)])
    return target


def unpack(bundle: Path) -> Path:
    folder = bundle.with_suffix("")
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    return folder


def test_a_fresh_bundle_verifies_and_its_key_is_kept_private(tmp_path: Path, signer: Ed25519Signer) -> None:
    bundle = make_bundle(tmp_path, signer)
    report = verify_bundle(bundle)
    assert report.intact, report.problems
    assert report.files_checked == 2
    assert verify_bundle(unpack(bundle), trusted_key_pem=signer.public_key_pem()).intact
    assert signer.key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("clip.mp4", "clip.mp4: altered"),
        ("segments/a.ts", "segments/a.ts: altered"),
        ("manifest.json", "manifest.json: altered (its signature does not match)"),
    ],
)
def test_one_flipped_byte_in_an_unpacked_bundle_is_named(
    tmp_path: Path, signer: Ed25519Signer, name: str, problem: str
) -> None:
    folder = unpack(make_bundle(tmp_path, signer))
    flip_byte(folder / name, offset=20 if name == "manifest.json" else None)
    report = verify_bundle(folder)
    assert [p for p in report.problems if p.startswith(problem)], report.problems


def test_one_flipped_byte_inside_the_zip_is_named(tmp_path: Path, signer: Ed25519Signer) -> None:
    bundle = make_bundle(tmp_path, signer)
    with zipfile.ZipFile(bundle) as z:
        info = z.getinfo("clip.mp4")
    flip_byte(bundle, offset=info.header_offset + 30 + len(info.filename) + 500)
    problems = verify_bundle(bundle).problems
    assert len(problems) == 1
    assert problems[0].startswith("clip.mp4: altered")


def test_missing_and_added_files_and_a_foreign_key_are_named(tmp_path: Path, signer: Ed25519Signer) -> None:
    folder = unpack(make_bundle(tmp_path, signer))
    (folder / "segments" / "a.ts").unlink()
    (folder / "extra.txt").write_text("planted")
    other = Ed25519Signer(tmp_path / "other.pem")
    problems = verify_bundle(folder, trusted_key_pem=other.public_key_pem()).problems
    assert "segments/a.ts: missing" in problems
    assert "extra.txt: added (not in the manifest)" in problems
    assert any(p.startswith("public_key.pem: not the trusted key") for p in problems)


def test_a_file_that_no_longer_matches_its_recorded_hash_stops_the_export(
    tmp_path: Path, signer: Ed25519Signer
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"clip")
    manifest_item = BundleFile("clip.mp4", "0" * 64, 4)
    manifest = EvidenceManifest(
        "e1",
        "st-1",
        TimeRange(T0, T0 + timedelta(seconds=1)),
        "K-1",
        "r",
        "",
        "sup",
        T0,
        manifest_item,
        (),
        signer.fingerprint,
    )
    with pytest.raises(ArchiveIntegrityError, match=r"clip.mp4 .* no longer matches"):
        ZipBundleWriter(signer).write(tmp_path / "b.zip", manifest, [("clip.mp4", clip)])
    assert not list(tmp_path.glob("b.zip*"))
