"""``kuzet`` starts without the heavy libraries: no timing here, only what each start imports.

Each check runs in a fresh interpreter, because this one has long imported everything. Speed itself is
measured in ``bench/bench_start.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
GROUPS = ("db", "user", "camera", "config", "audit", "archive", "evidence", "models", "fleet", "api")


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


CONSOLE_SCRIPT = """
import sys
from kuzet.cli.main import main

if __name__ == "__main__":
    sys.argv = ["kuzet", "--help"]
    try:
        main()
    except SystemExit:
        pass
    import json
    from multiprocessing import spawn
    print(json.dumps(spawn.get_preparation_data("worker").get("init_main_from_name")))
"""

OTHER_SCRIPT = """
from kuzet.cli.main import skip_this_script_in_spawned_processes

if __name__ == "__main__":
    skip_this_script_in_spawned_processes()
    import json
    from multiprocessing import spawn
    print(json.dumps(spawn.get_preparation_data("worker").get("init_main_from_name")))
"""


def main_module_of_spawned_children(script: Path) -> str | None:
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    name: str | None = json.loads(done.stdout.splitlines()[-1])
    return name


def test_workers_spawned_by_the_console_script_do_not_run_it_again(tmp_path: Path) -> None:
    """A spawned child re-runs a script ``__main__`` by path, but skips ``<package>.__main__``."""
    script = tmp_path / "kuzet"
    script.write_text(CONSOLE_SCRIPT, encoding="utf-8")
    assert main_module_of_spawned_children(script) == "kuzet.__main__"

    other = tmp_path / "someone_elses.py"
    other.write_text(OTHER_SCRIPT, encoding="utf-8")
    assert main_module_of_spawned_children(other) is None, "another script is left as it is"
