"""``kuzet`` starts without the heavy libraries: no timing here, only what each start imports.

Each check runs in a fresh interpreter, because this one has long imported everything. Speed itself is
measured in ``bench/bench_start.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# What neither ``kuzet --help`` nor a command's help may import: the model runtimes, SciPy, the web
# stack, the database, video and image libraries, and the modules that pull them in.
HEAVY = (
    "onnx",
    "onnxruntime",
    "ml_dtypes",
    "scipy",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "av",
    "cv2",
    "numpy",
    "shapely",
    "networkx",
    "websockets",
    "kuzet.api",
    "kuzet.bootstrap",
    "kuzet.vision",
    "kuzet.ingest.supervisor",
)

COMMANDS = ("serve", "demo", "watch", "worker", "analyze")
GROUPS = ("db", "user", "camera", "config", "audit", "archive", "evidence", "models", "fleet")


def heavy_modules_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` modules (or their submodules) in ``sys.modules`` after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"heavy = {heavy!r}\n"
        "found = {h for h in heavy for m in sys.modules if m == h or m.startswith(h + '.')}\n"
        "print(json.dumps(sorted(found)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    found: list[str] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_importing_the_cli_leaves_the_heavy_libraries_out() -> None:
    assert heavy_modules_after("import kuzet.cli.main") == []


def test_the_help_of_every_command_and_group_leaves_the_heavy_libraries_out() -> None:
    helps = [[], *([name] for name in COMMANDS + GROUPS), ["archive", "hold"]]
    code = (
        "import contextlib, io\n"
        "from kuzet.cli.main import app\n"
        f"for args in {helps!r}:\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        app([*args, '--help'])"
    )
    assert heavy_modules_after(code) == []


def test_kuzet_help_lists_every_command_with_its_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kuzet", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    for name in COMMANDS + GROUPS:
        assert f" {name} " in done.stdout, (name, done.stdout)
    assert "Serve the API on the configured store and bus." in done.stdout
    assert "Ingest the registered cameras: record, analyse and watch their picture health." in done.stdout
    assert "Detector models." in done.stdout

