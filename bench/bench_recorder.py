"""the recorder (remux to hashed segments) and archive verification"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
from av.packet import Packet
from av.video.stream import VideoStream

from bench.common import BenchRow
from kuzet.adapters.archive.config import ArchiveConfig
from kuzet.adapters.store import migrate
from kuzet.bootstrap import bootstrap
from kuzet.config.settings import load_settings
from kuzet.domain.archive.model import Segment
from kuzet.ingest.recorder import Recorder
from kuzet.services.context import Actor

WIDTH, HEIGHT, FPS = 1280, 720, 25
SOURCE_SECONDS = 10
RECORD_SECONDS = 600  # ten minutes of one 720p25 camera, the source looped
BIT_RATE = 2_000_000  # a typical 720p street camera


def encode_source(path: Path) -> None:
    """Ten seconds of 720p25 H.264 at ~2 Mbit/s, a keyframe every second, moving texture."""
    rng = np.random.default_rng(7)
    texture = rng.integers(0, 256, (HEIGHT, WIDTH * 2, 3), dtype=np.uint8)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.gop_size, stream.bit_rate = FPS, BIT_RATE
        stream.codec_context.options = {"preset": "ultrafast", "sc_threshold": "0"}
        for i in range(SOURCE_SECONDS * FPS):
            image = np.ascontiguousarray(texture[:, i * 8 : i * 8 + WIDTH])
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))


def looped_packets(source: list[Packet], seconds: int) -> Iterator[Packet]:
    """Fresh copies of the source's packets, shifted in time, as a long live stream would send them."""
    times = [p.pts or 0 for p in source]
    span = max(times) - min(times) + (source[0].duration or times[1] - times[0])
    for loop in range(seconds // SOURCE_SECONDS):
        for packet in source:
            copy = Packet(bytes(packet))
            copy.pts = (packet.pts or 0) + loop * span
            copy.dts = (packet.dts or 0) + loop * span
            copy.duration, copy.time_base, copy.is_keyframe = (
                packet.duration,
                packet.time_base,
                packet.is_keyframe,
            )
            yield copy


def run() -> list[BenchRow]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        encode_source(root / "source.mp4")
        kuzet = bootstrap(
            load_settings(
                database_url=f"sqlite:///{root / 'bench.db'}", archive_path=root / "archive", _env_file=None
            ),
            archive=ArchiveConfig(min_free_bytes=0),
        )
        migrate.upgrade(kuzet.engine)
        with av.open(str(root / "source.mp4")) as container:
            template = container.streams.video[0]
            source = [p for p in container.demux(template) if p.size]
            packets = list(looped_packets(source, RECORD_SECONDS))
            segments: list[Segment] = []
            recorder = Recorder(
                "bench-1",
                kuzet.archive.storage,
                segments.append,
                recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            started = time.perf_counter()
            recorder.open(template)
            for packet in packets:
                recorder.write(packet)
            recorder.close()
            record_s = time.perf_counter() - started
        for segment in segments:
            kuzet.archive.indexer.index(segment)
        written = sum(s.size for s in segments)
        started = time.perf_counter()
        report = kuzet.archive.verifier.verify(Actor("bench"))
        verify_s = time.perf_counter() - started
        kuzet.dispose()
    packets_per_s = len(packets) / record_s
    mbit_s = written * 8 / RECORD_SECONDS / 1e6
    return [
        BenchRow(
            "recorder: packets remuxed, hashed, written",
            packets_per_s,
            "packets/s",
            f"720p25 H.264, {mbit_s:.1f} Mbit/s, 10 s segments, fsync each, one core",
        ),
        BenchRow(
            "recorder: 720p25 streams one core can record",
            packets_per_s / FPS,
            "streams",
            f"{len(segments)} segments, {written / 1e6:,.0f} MB",
        ),
        BenchRow(
            "archive verify (re-hash segments)",
            report.bytes_checked / 1e6 / verify_s,
            "MB/s",
            f"{report.segments_checked} segments; files in the page cache",
        ),
    ]
