"""The archive's own config file: defaults without one, every bad key named with one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzet.adapters.archive.config import load_archive_config
from kuzet.domain.cameras.model import CameraKind
from kuzet.errors import ConfigError


def test_without_a_file_video_is_kept_90_days_in_10_s_segments(tmp_path: Path) -> None:
    config = load_archive_config(tmp_path)
    assert config.segment_seconds == 10
    assert config.retention.to_domain().days_for("any", CameraKind.STREET) == 90


def test_the_file_sets_retention_per_kind_and_camera(tmp_path: Path) -> None:
    (tmp_path / "archive.yaml").write_text(
        "retention: {by_kind: {body_cam: 365}, by_camera: {street-0042: 180}}\nmax_archive_bytes: 1000000\n"
    )
    config = load_archive_config(tmp_path)
    rules = config.retention.to_domain()
    assert (rules.days_for("bc-1", CameraKind.BODY_CAM), rules.days_for("street-0042", None)) == (365, 180)
    assert config.max_archive_bytes == 1_000_000


def test_bad_keys_are_named(tmp_path: Path) -> None:
    (tmp_path / "archive.yaml").write_text("retention: {by_kind: {tram: 3}, default_days: 0}\nsegment: 10\n")
    with pytest.raises(ConfigError) as caught:
        load_archive_config(tmp_path)
    message = str(caught.value)
    for key in ("retention.by_kind.tram", "retention.default_days", "segment: Extra inputs"):
        assert key in message, message
