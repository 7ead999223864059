"""``kuzet api schema`` prints the API's OpenAPI document without opening anything of a deployment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# A deployment's settings: a database that cannot be reached, another city, production mode.
DEPLOYMENT = {
    "KUZET_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    "KUZET_ROADS": "sim:99",
    "KUZET_MODE": "production",
}


def run_schema(cwd: Path, env: dict[str, str], *args: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KUZET_")}
    done = subprocess.run(
        [sys.executable, "-m", "kuzet", "api", "schema", *args],
        cwd=cwd,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_the_schema_is_printed_and_nothing_is_opened_or_created(tmp_path: Path) -> None:
    document = json.loads(run_schema(tmp_path, DEPLOYMENT))
    assert document["openapi"].startswith("3.")
    assert {"/api/auth/session", "/api/auth/logout", "/api/map/roads", "/api/map/districts"} <= set(
        document["paths"]
    )
    assert all(path.startswith("/api/") for path in document["paths"])
    assert list(tmp_path.iterdir()) == [], "no database, archive or key was made"


def test_the_schema_is_built_from_the_defaults_wherever_it_is_built(tmp_path: Path) -> None:
    deployed = run_schema(tmp_path, DEPLOYMENT)
    assert run_schema(tmp_path, {}) == deployed, "the environment does not change the document"
    (tmp_path / "out").mkdir()
    assert run_schema(tmp_path, DEPLOYMENT, "--output", "out/openapi.json") == ""
    assert (tmp_path / "out" / "openapi.json").read_text(encoding="utf-8") == deployed
