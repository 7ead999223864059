"""Video for the archive tests, encoded once per session with libx264."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.archive.media import encode_h264


@pytest.fixture(scope="session")
def camera_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25 s of 25 fps H.264 with a keyframe every second."""
    return encode_h264(tmp_path_factory.mktemp("video") / "camera.mp4", seconds=25)
