"""Start camera workers the way ``kuzet worker`` does and print, as JSON, seconds from start to first frame.

``bench_start`` runs this file as a script, as the shell runs the ``kuzet`` console script, and it
does what that script does: import ``kuzet.cli.main``, then (in ``main()``) tell multiprocessing that
spawned workers need not re-run it. Everything else happens under ``__name__ == "__main__"``.

Usage: ``python bench/spawn_probe.py RUNS`` → ``{"recorder": [s, ...], "bare": [s, ...]}``; each value is
the time from ``Process.start()`` to the decode time of the first frame found in the camera's ring.
"""

from kuzet.cli.main import main  # noqa: F401 - the console script's own import

if __name__ == "__main__":
    import functools
    import json
    import sys
    import tempfile
    import time
    from multiprocessing.queues import Queue
    from pathlib import Path

    from kuzet.adapters.store import migrate
    from kuzet.bootstrap import bootstrap
    from kuzet.config.settings import load_settings
    from kuzet.ingest.process import KuzetProcess, mp_context
    from kuzet.ingest.ring import SharedFrameRing
    from kuzet.ingest.source import SourceConfig
    from kuzet.ingest.status import StreamHealth
    from kuzet.ingest.supervised import SupervisedCameraWorker, make_recorder
    from kuzet.ingest.supervisor import DEFAULT_DETECT_SIZE
    from kuzet.sim.footage import h264_copy
    from kuzet.sim.scenes import VTEST_PATH

    def first_frame_after_start(worker: KuzetProcess, ring: SharedFrameRing, timeout_s: float = 60) -> float:
        started = time.time()
        worker.start()
        try:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                frame = ring.get(timeout=0.01)
                if frame is not None:
                    seconds = frame.timestamp - started
                    ring.release(frame.slot)
                    del frame
                    return seconds
            raise RuntimeError(f"no frame within {timeout_s} s (exit code {worker.exitcode})")
        finally:
            worker.stop()
            worker.join(10)
            if worker.is_alive():
                worker.kill()
                worker.join()

    def measure(runs: int, folder: Path) -> dict[str, list[float]]:
        archive = folder / "archive"
        archive.mkdir()
        settings = load_settings(
            database_url=f"sqlite:///{folder / 'kuzet.db'}", archive_path=archive, bus_url="memory://"
        )
        app = bootstrap(settings)
        migrate.upgrade(app.engine)
        app.dispose()
        width, height = DEFAULT_DETECT_SIZE
        clip = h264_copy(VTEST_PATH, folder / "square.mp4", max_seconds=10)  # as a camera sends it
        source = SourceConfig(url=str(clip), detect_fps=5.0, detect_size=DEFAULT_DETECT_SIZE)
        recorders = functools.partial(make_recorder, settings=settings)  # what IngestSupervisor passes
        statuses: Queue[StreamHealth] = mp_context().Queue(maxsize=1024)
        found: dict[str, list[float]] = {"recorder": [], "bare": []}
        for _ in range(runs):
            for kind, seconds in found.items():
                ring = SharedFrameRing.create(height, width, slots=4)
                try:
                    worker = SupervisedCameraWorker(
                        "bench-1",
                        source,
                        ring=ring,
                        status_queue=statuses,
                        sink_factory=functools.partial(recorders, "bench-1") if kind == "recorder" else None,
                    )
                    seconds.append(first_frame_after_start(worker, ring))
                finally:
                    ring.close()
                    ring.unlink()
                while not statuses.empty():
                    statuses.get()
        statuses.close()
        statuses.join_thread()
        return found

    from kuzet.cli.main import skip_this_script_in_spawned_processes

    skip_this_script_in_spawned_processes()  # what main() does first
    with tempfile.TemporaryDirectory(prefix="kuzet-bench-start-") as tmp:
        print(json.dumps(measure(int(sys.argv[1]), Path(tmp))))
