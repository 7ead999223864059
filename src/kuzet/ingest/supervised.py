"""What a supervised camera worker process wires for itself: its recorder, and a clean stop on SIGTERM.

The packet sink is built *inside* the worker process by a picklable factory (``make_recorder``),
because a database engine, open files and PyAV muxers cannot cross a process boundary, and a recorder
that crashes with FFmpeg must take only its own camera down.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from kuzet.bootstrap import Kuzet, bootstrap
from kuzet.config.settings import Settings, load_settings
from kuzet.ingest.recorder import Recorder
from kuzet.ingest.worker import CameraWorker


class _WorkerApp:
    """The wired application of one worker process, built on first use and disposed when it exits."""

    app: Kuzet | None = None

    @classmethod
    def get(cls, settings: Settings | None) -> Kuzet:
        if cls.app is None:
            cls.app = bootstrap(settings if settings is not None else load_settings())
        return cls.app

    @classmethod
    def dispose(cls) -> None:
        app, cls.app = cls.app, None
        if app is not None:
            app.dispose()


def make_recorder(camera_id: str, settings: Settings | None = None) -> Recorder:
    """The default ``RecorderFactory``: ``Kuzet.recorder(camera_id)`` of an app wired in this process.

    Without ``settings`` they are read from the environment (``KUZET_DATABASE_URL``, ...) of the worker
    process. The app is cached for the process; ``SupervisedCameraWorker`` disposes of it on exit.
    """
    return _WorkerApp.get(settings).recorder(camera_id)


def dispose_worker_app() -> None:
    """Close the database connections ``make_recorder`` opened in this process (idempotent)."""
    _WorkerApp.dispose()


class SupervisedCameraWorker(CameraWorker):
    """A ``CameraWorker`` that treats SIGTERM as a request to stop and disposes of its app on exit.

    SIGTERM (a service manager stopping the whole process group) then closes the recorder properly,
    so the segment in progress is finished and indexed instead of lost.
    """

    def work(self) -> None:
        signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            super().work()
        finally:
            dispose_worker_app()

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        # Setting the event takes its lock, which the interrupted code may hold: do it from a thread.
        threading.Thread(target=self.stop_event.set, name="sigterm-stop", daemon=True).start()
