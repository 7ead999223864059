"""start-up: `kuzet --help`, the CLI import, a camera worker from spawn to its first frame (wall, median)"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BenchRow

KUZET = Path(sys.executable).with_name("kuzet")  # the console script next to this interpreter
PROBE = Path(__file__).with_name("spawn_probe.py")
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
HELP_RUNS = 7
IMPORT_RUNS = 7
SPAWN_RUNS = 5
HELP_TARGET_S = 0.5
FIRST_FRAME_TARGET_S = 1.5
IMPORT_CLI = "import time; t = time.perf_counter(); import kuzet.cli.main; print(time.perf_counter() - t)"


def wall_s(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 - our own commands
    return time.perf_counter() - started


def printed_s(command: list[str]) -> float:
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)  # noqa: S603
    return float(done.stdout.strip())


def verdict(value: float, target: float) -> str:
    return f"target < {target:g} s: {'met' if value < target else 'MISSED'}"


def load() -> str:
    one, _, _ = os.getloadavg()
    return f"load {one:.1f} on {os.cpu_count()} cores"


def run() -> list[BenchRow]:
    rows = []
    helps = [wall_s([str(KUZET), "--help"]) for _ in range(HELP_RUNS)]
    help_s = statistics.median(helps)
    rows.append(
        BenchRow(
            "`kuzet --help`", help_s, "s", f"{verdict(help_s, HELP_TARGET_S)}; {HELP_RUNS} runs, {load()}"
        )
    )
    imports = statistics.median(printed_s([sys.executable, "-c", IMPORT_CLI]) for _ in range(IMPORT_RUNS))
    rows.append(
        BenchRow("`import kuzet.cli.main`", imports, "s", f"in a fresh interpreter; {IMPORT_RUNS} runs")
    )
    if not VTEST.exists():
        rows.append(BenchRow(f"worker start skipped: {VTEST} missing (Debian package opencv-doc)", 0.0, ""))
        return rows
    probe = subprocess.run(  # noqa: S603 - this interpreter on our own probe script
        [sys.executable, str(PROBE), str(SPAWN_RUNS)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if probe.returncode != 0:
        raise RuntimeError(f"{PROBE.name} failed:\n{probe.stderr[-3000:]}")
    found: dict[str, list[float]] = json.loads(probe.stdout.splitlines()[-1])
    recorded = statistics.median(found["recorder"])
    rows.append(
        BenchRow(
            "camera worker: spawn → first frame in the ring",
            recorded,
            "s",
            f"{verdict(recorded, FIRST_FRAME_TARGET_S)}; as `kuzet worker` starts it (recorder on SQLite, "
            f"H.264 copy of vtest.avi), worst {max(found['recorder']):.2f} s of {SPAWN_RUNS}, {load()}",
        )
    )
    bare = statistics.median(found["bare"])
    rows.append(
        BenchRow(
            "  the same without a recorder",
            bare,
            "s",
            f"ring and status queue only; worst {max(found['bare']):.2f} s of {SPAWN_RUNS}",
        )
    )
    return rows
