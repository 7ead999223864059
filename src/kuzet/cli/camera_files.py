"""Read a CSV of cameras, validating each row like the site file does and naming the bad line."""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError

from kuzet.config.site import CameraConfig
from kuzet.domain.cameras.model import Camera
from kuzet.errors import ConfigError

CSV_COLUMNS = (
    "id",
    "name",
    "kind",
    "purpose",
    "district",
    "owner_tenant",
    "lat",
    "lon",
    "heading",
    "stream_url",
    "sub_stream_url",
)


def read_cameras_csv(path: Path) -> tuple[Camera, ...]:
    """Every row is checked; the error lists all bad rows as ``file:line: column: problem``."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"id", "name", "kind", "purpose", "district"} - set(reader.fieldnames or ())
            if missing:
                raise ConfigError(
                    f"{path}: missing columns {', '.join(sorted(missing))} "
                    f"(columns: {', '.join(CSV_COLUMNS)})"
                )
            unknown = set(reader.fieldnames or ()) - set(CSV_COLUMNS)
            if unknown:
                raise ConfigError(f"{path}: unknown columns {', '.join(sorted(unknown))}")
            cameras, problems = [], []
            for row in reader:
                values = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
                try:
                    cameras.append(CameraConfig.model_validate(values).to_domain())
                except ValidationError as exc:
                    problems += [
                        f"{path}:{reader.line_num}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                        for e in exc.errors()
                    ]
                except ValueError as exc:
                    problems.append(f"{path}:{reader.line_num}: {exc}")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: not a readable CSV file: {exc}") from None
    if problems:
        raise ConfigError(f"{path}: {len(problems)} bad rows, nothing imported:\n  " + "\n  ".join(problems))
    return tuple(cameras)
