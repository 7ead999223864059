"""The base of Kuzet's worker processes: one class per subsystem, each restartable by a watchdog.

After Frigate's ``FrigateProcess``: every child process sets up logging and ``faulthandler`` the same
way (a native crash in FFmpeg or NumPy then leaves a Python stack in the log), ignores Ctrl+C (the
parent stops its children in order) and watches one stop event. Processes are started with ``spawn``:
a fresh interpreter per worker, so no lock, thread or FFmpeg state is inherited from the parent.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import signal
import sys
from abc import ABC, abstractmethod
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.synchronize import Event

LOG_FORMAT = "%(asctime)s %(processName)s %(name)s %(levelname)s %(message)s"


def mp_context() -> SpawnContext:
    """The multiprocessing context for every ingest process, queue and event (they must match)."""
    return multiprocessing.get_context("spawn")


class KuzetProcess(SpawnProcess, ABC):
    """A named, daemonic child process that runs ``work()`` until it returns or ``stop()`` is called.

    Subclasses keep only picklable state in ``__init__`` (it travels to the child) and open files,
    sockets and streams inside ``work``.

    >>> class Idle(KuzetProcess):
    ...     def work(self) -> None:
    ...         self.stop_event.wait()
    >>> Idle("idle").name
    'idle'
    """

    def __init__(self, name: str, *, stop_event: Event | None = None, log_level: int = logging.INFO) -> None:
        super().__init__(name=name, daemon=True)
        self.stop_event = stop_event if stop_event is not None else mp_context().Event()
        self.log_level = log_level

    def run(self) -> None:
        faulthandler.enable()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        logging.basicConfig(level=self.log_level, format=LOG_FORMAT, stream=sys.stderr, force=True)
        log = logging.getLogger(f"kuzet.process.{self.name}")
        log.debug("started")
        try:
            self.work()
        except Exception:
            log.exception("%s failed", self.name)
            sys.exit(1)
        log.debug("finished")

    @abstractmethod
    def work(self) -> None:
        """The process's job; return when it is done or when ``stop_event`` is set."""

    def stop(self) -> None:
        """Ask the process to finish its work and exit (it checks ``stop_event``)."""
        self.stop_event.set()

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()
