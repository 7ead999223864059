"""A spawned camera worker imports what it needs and nothing more (speed: ``bench/bench_start.py``).

The parent is a script that does what the ``kuzet`` console script does (import ``kuzet.cli.main``,
then what ``main()`` does first), run in its own interpreter; each worker writes the modules it has
once its packet sink is built, just before it opens its stream.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PARENT = """
from kuzet.cli.main import main  # the kuzet console script's import

if __name__ == "__main__":
    import functools
    import sys
    from pathlib import Path

    from kuzet.cli.main import skip_this_script_in_spawned_processes
    from kuzet.config.settings import load_settings
    from kuzet.ingest.source import SourceConfig
    from kuzet.ingest.supervised import SupervisedCameraWorker, make_recorder
    from tests.integration.ingest.spawned import NullSink, modules_after

    skip_this_script_in_spawned_processes()  # what main() does first
    folder = Path(sys.argv[1])
    settings = load_settings(database_url=f"sqlite:///{folder / 'kuzet.db'}", archive_path=folder / "archive")
    sinks = {"bare": NullSink, "recorder": functools.partial(make_recorder, "cam-1", settings=settings)}
    for kind, sink in sinks.items():
        worker = SupervisedCameraWorker(
            "cam-1",
            SourceConfig(url=str(folder / "missing.mp4")),  # not found: the worker ends at once
            sink_factory=functools.partial(modules_after, folder / f"{kind}.json", sink),
        )
        worker.start()
        worker.join(60)
        assert worker.exitcode == 0, (kind, worker.exitcode)
"""

# Never in a camera worker: the CLI, the web stack, the app's wiring, the analytics without rules.
NEVER = (
    "typer",
    "kuzet.cli",
    "fastapi",
    "starlette",
    "uvicorn",
    "kuzet.api",
    "kuzet.bootstrap",
    "alembic",
    "scipy",
    "onnx",
    "onnxruntime",
    "ml_dtypes",
    "cv2",
    "shapely",
    "networkx",
    "kuzet.vision",
    "kuzet.ingest.analytics",
    "kuzet.config.site",
    "kuzet.wiring",
    "kuzet.sim",
)


def found(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted({n for n in names for m in modules if m == n or m.startswith(n + ".")})


def test_a_spawned_camera_worker_imports_only_what_it_needs(tmp_path: Path) -> None:
    parent = tmp_path / "kuzet_script.py"
    parent.write_text(PARENT, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, str(parent), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    bare = json.loads((tmp_path / "bare.json").read_text(encoding="utf-8"))
    recorder = json.loads((tmp_path / "recorder.json").read_text(encoding="utf-8"))

    assert {"av", "numpy", "kuzet.ingest.ring"} <= set(bare)
    assert found(bare, (*NEVER, "sqlalchemy")) == []
    assert "sqlalchemy" in recorder, "the recorder indexes its segments in the database"
    assert found(recorder, NEVER) == []
