"""What a supervised camera worker process wires for itself: its recorder, and a clean stop on SIGTERM.

The packet sink is built *inside* the worker process by a picklable factory (``make_recorder``),
because a database engine, open files and PyAV muxers cannot cross a process boundary, and a recorder
that crashes with FFmpeg must take only its own camera down.

A worker is a fresh interpreter (``spawn``) that unpickles its process object from this module, so
this module and what it imports at module level stay light: PyAV, NumPy and the ring, nothing more.
The recorder wires only what it uses (the database engine for the segment index, the archive
folder and its config), not the whole ``Kuzet`` app with its site file, road network and services.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from kuzet.ingest.worker import CameraWorker

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kuzet.config.settings import Settings
    from kuzet.ingest.recorder import Recorder, SegmentIndex
    from kuzet.services.archive.ports import ArchiveStorage


@dataclass(frozen=True, slots=True)
class _Recording:
    """What the recorders of one worker process share: the archive and the segment index."""

    engine: Engine
    storage: ArchiveStorage
    index: SegmentIndex
    segment_seconds: float

    def recorder(self, camera_id: str) -> Recorder:
        """The same recorder as ``Kuzet.recorder(camera_id)``: archived and indexed ``camera_id`` video."""
        from kuzet.ingest.recorder import Recorder

        return Recorder(camera_id, self.storage, self.index, segment_seconds=self.segment_seconds)


def _wire_recording(settings: Settings) -> _Recording:
    """The archive part of ``bootstrap`` (same adapters, same settings), without the rest of the app."""
    from kuzet.adapters.archive.config import load_archive_config
    from kuzet.adapters.archive.filesystem import FilesystemArchive
    from kuzet.adapters.store.engine import make_engine, make_session_factory
    from kuzet.adapters.store.unit_of_work import SqlUnitOfWork
    from kuzet.services.archive.segments import SegmentIndexer

    config = load_archive_config(settings.archive_path)
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    indexer = SegmentIndexer(lambda: SqlUnitOfWork(session_factory))
    return _Recording(engine, FilesystemArchive(settings.archive_path), indexer.index, config.segment_seconds)


class _WorkerApp:
    """The recording wiring of one worker process, built on first use and disposed when it exits."""

    app: _Recording | None = None

    @classmethod
    def get(cls, settings: Settings | None) -> _Recording:
        if cls.app is None:
            from kuzet.config.settings import load_settings

            cls.app = _wire_recording(settings if settings is not None else load_settings())
        return cls.app

    @classmethod
    def dispose(cls) -> None:
        app, cls.app = cls.app, None
        if app is not None:
            app.engine.dispose()


def make_recorder(camera_id: str, settings: Settings | None = None) -> Recorder:
    """The default ``RecorderFactory``: a recorder that archives and indexes ``camera_id``'s video.

    Without ``settings`` they are read from the environment (``KUZET_DATABASE_URL``, ...) of the worker
    process. The wiring is cached for the process; ``SupervisedCameraWorker`` disposes of it on exit.
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
