"""What the ingest tests' spawned children import to unpickle their process object: keep it light.

A ``spawn`` child imports the module that defines its process class (and its target's arguments)
before it runs. A class defined in a test module drags that module in, with its ``conftest`` (the
whole app, Alembic, OpenCV); four such children once took over 10 s to start on two busy cores.
So the helper processes live here, next to nothing but ``kuzet.ingest.process``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from pathlib import Path
from typing import TypeVar

from kuzet.ingest.process import KuzetProcess

T = TypeVar("T")


class StopRecorder(KuzetProcess):
    """Notes on a queue when it started its work and when it was asked to stop (the test checks the order)."""

    def __init__(self, name: str, notes: Queue[str]) -> None:
        super().__init__(name)
        self.notes = notes

    def work(self) -> None:
        self.notes.put(f"{self.name} started")
        self.stop_event.wait()
        self.notes.put(self.name)


class IgnoresStop(KuzetProcess):
    def work(self) -> None:
        time.sleep(60)


class FinishesAtOnce(KuzetProcess):
    def work(self) -> None:
        return


def modules_after(path: Path, factory: Callable[[], T]) -> T:
    """Call ``factory`` (in the child), then write the names in ``sys.modules`` to ``path`` as JSON."""
    made = factory()
    path.write_text(json.dumps(sorted(sys.modules)), encoding="utf-8")
    return made


class NullSink:
    """A packet sink that drops everything."""

    def open(self, stream: object, /) -> None:
        pass

    def write(self, packet: object, /) -> None:
        pass

    def close(self) -> None:
        pass
