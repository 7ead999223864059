"""Archive configuration: segment length, retention, disk-space limits and the signing key.

Read from ``<archive path>/archive.yaml`` when that file exists (the archive's own settings travel with
its folder), else the defaults: 10 s segments, 90 days for every camera, keep 1 GiB free. A bad file
fails at start with the path of the bad key. Example::

    segment_seconds: 10
    retention: {default_days: 90, by_kind: {body_cam: 365}, by_camera: {street-0042: 180}}
    min_free_bytes: 10737418240
    max_archive_bytes: 4398046511104
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kuzet.domain.archive.model import DEFAULT_RETENTION_DAYS, RetentionRules
from kuzet.domain.cameras.model import CameraKind
from kuzet.errors import ConfigError

CONFIG_FILE_NAME = "archive.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetentionConfig(_Strict):
    default_days: int = Field(
        DEFAULT_RETENTION_DAYS, ge=1, description="Days a camera's video is kept (the law asks for 90)"
    )
    by_kind: dict[CameraKind, int] = Field(
        default_factory=dict, description="Days per camera kind, e.g. {body_cam: 365}"
    )
    by_camera: dict[str, int] = Field(
        default_factory=dict, description="Days for single cameras; overrides their kind"
    )

    def to_domain(self) -> RetentionRules:
        return RetentionRules(self.default_days, dict(self.by_kind), dict(self.by_camera))


class ArchiveConfig(_Strict):
    segment_seconds: float = Field(
        10.0, ge=2, le=600, description="Target segment length; cut at the first keyframe after it"
    )
    retention: RetentionConfig = Field(default_factory=RetentionConfig, description="How long video is kept")
    min_free_bytes: int = Field(
        1 << 30, ge=0, description="Free disk space to keep; below it the oldest unheld video is evicted"
    )
    max_archive_bytes: int | None = Field(
        None, gt=0, description="Most bytes of video to keep (a quota); unset: no quota"
    )
    max_clip_seconds: int = Field(
        4 * 3600, ge=1, description="Longest time range a clip or an evidence export may cover"
    )
    signing_key: Path | None = Field(
        None,
        description="Ed25519 private key (PEM) for evidence; default <archive>/_keys/evidence-ed25519.pem",
    )


def load_archive_config(archive_path: Path) -> ArchiveConfig:
    """The archive's config file if it has one, else the defaults; ConfigError names every bad key."""
    source = archive_path / CONFIG_FILE_NAME
    if not source.is_file():
        return ArchiveConfig()
    try:
        body = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        return ArchiveConfig.model_validate(body)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ConfigError(f"{source}:\n  " + "\n  ".join(lines)) from None
