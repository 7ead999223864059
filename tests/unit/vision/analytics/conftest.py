"""The real footage the analytics tests use: OpenCV's vtest.avi (Debian package opencv-doc).

Missing footage skips those tests on a developer machine and fails them under ``CI=true``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kuzet.sim.scenes import VTEST_PATH, SceneAssets, load_assets


def require_vtest() -> Path:
    if VTEST_PATH.is_file():
        return VTEST_PATH
    message = f"{VTEST_PATH} missing: install the Debian package opencv-doc"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def vtest() -> Path:
    return require_vtest()


@pytest.fixture(scope="session")
def scene_assets(vtest: Path) -> SceneAssets:
    return load_assets(vtest)
