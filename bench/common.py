"""What every benchmark module returns: rows for one table, printed by ``python -m bench``."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One measurement: what, the value, its unit, and a note (goal, ratio, conditions)."""

    name: str
    value: float
    unit: str
    note: str = ""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
