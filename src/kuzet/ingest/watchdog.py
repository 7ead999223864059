"""Start the ingest processes in a fixed order, restart the ones that die, stop them in reverse order.

After Frigate's camera watchdog: a thread checks every ``interval_s`` that each process is alive and
restarts one that died of a crash or a kill, counting restarts per process (a number worth alerting
on). A process that exits cleanly (exit code 0: a file played to its end, or it was asked to stop) is
finished, not dead, and is left alone. Stopping asks each process to stop, newest first, waits
``join_timeout_s``, then terminates and finally kills what still runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from kuzet.ingest.process import KuzetProcess

log = logging.getLogger(__name__)

ProcessFactory = Callable[[], KuzetProcess]


class Watchdog:
    """Supervises named processes built by factories (a process object can only be started once).

    >>> watchdog = Watchdog(interval_s=2.0)
    >>> watchdog.add("camera:st-001", lambda: CameraWorker("st-001", config, ring=ring))  # doctest: +SKIP
    >>> watchdog.start(); ...; watchdog.stop()  # doctest: +SKIP
    """

    def __init__(self, *, interval_s: float = 5.0, join_timeout_s: float = 5.0) -> None:
        self.interval_s = interval_s
        self.join_timeout_s = join_timeout_s
        self._factories: dict[str, ProcessFactory] = {}
        self._processes: dict[str, KuzetProcess] = {}
        self._restarts: dict[str, int] = {}
        self._finished: set[str] = set()
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, name: str, factory: ProcessFactory) -> None:
        """Register a process; they start in the order they were added."""
        if self._thread is not None:
            raise RuntimeError("add processes before start()")
        if name in self._factories:
            raise ValueError(f"process {name!r} is already supervised")
        self._factories[name] = factory
        self._restarts[name] = 0

    def start(self, *, watch: bool = True) -> None:
        """Start every process in order, then (``watch``) the thread that checks them every interval."""
        with self._lock:
            for name, factory in self._factories.items():
                self._processes[name] = self._launch(name, factory)
        if watch:
            self._thread = threading.Thread(target=self._watch, name="kuzet-watchdog", daemon=True)
            self._thread.start()

    def check(self) -> list[str]:
        """One liveness pass: restart what died; returns the names restarted."""
        restarted = []
        with self._lock:
            if self._halt.is_set():
                return []
            for name, process in self._processes.items():
                if process.is_alive() or process.exitcode is None or name in self._finished:
                    continue
                if process.exitcode == 0:
                    log.info("%s finished", name)
                    self._finished.add(name)
                    continue
                log.warning("%s died (exit code %s); restarting", name, process.exitcode)
                process.close()
                self._processes[name] = self._launch(name, self._factories[name])
                self._restarts[name] += 1
                restarted.append(name)
        return restarted

    def stop(self) -> None:
        """Stop the watch thread, then each process in reverse start order."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            for name in reversed(self._processes):
                self._stop_one(name, self._processes[name])

    @property
    def restarts(self) -> Mapping[str, int]:
        """How often each process was restarted after dying."""
        return dict(self._restarts)

    @property
    def processes(self) -> Mapping[str, KuzetProcess]:
        """The current process object of each name (a new one after every restart)."""
        return dict(self._processes)

    def _launch(self, name: str, factory: ProcessFactory) -> KuzetProcess:
        process = factory()
        process.start()
        log.debug("%s started (pid %s)", name, process.pid)
        return process

    def _watch(self) -> None:
        while not self._halt.wait(self.interval_s):
            try:
                self.check()
            except Exception:  # the watchdog must outlive any one failed restart
                log.exception("watchdog check failed")

    def _stop_one(self, name: str, process: KuzetProcess) -> None:
        if process.exitcode is not None:
            return
        process.stop()
        process.join(self.join_timeout_s)
        if process.is_alive():
            log.warning("%s did not stop within %.1f s; terminating", name, self.join_timeout_s)
            process.terminate()
            process.join(self.join_timeout_s)
        if process.is_alive():
            log.error("%s ignored SIGTERM; killing", name)
            process.kill()
            process.join()
