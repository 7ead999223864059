"""Open a camera stream with PyAV and turn it into packets (for the recorder) and sampled frames.

Why it looks like this:

- FFmpeg, through PyAV, speaks what cameras speak: RTSP/RTSPS over TCP or UDP, HTTP(S) MJPEG and HLS,
  and files (body-cam uploads, simulated cameras).
- A dead server must never hang a worker: FFmpeg's socket timeouts and PyAV's interrupt callback bound
  the open and every single read.
- H.264 frames depend on each other, so every packet is decoded, but only the frames at the camera's
  detect rate are converted to BGR, the costly step that the analytics need. A camera's low-resolution
  sub-stream can feed the analytics while the main stream's packets go to the recorder untouched.
- FFmpeg's errors become a ``StreamStatus`` and a sentence an operator can act on
  (``status.describe_failure``); no message carries a password.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Literal
from urllib.parse import urlsplit

import av
import av.error
import numpy as np
from av.container import InputContainer
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from numpy.typing import NDArray

from kuzet.domain.cameras.model import Camera
from kuzet.ingest.status import StreamError, StreamStatus, describe_failure, redact

log = logging.getLogger(__name__)

RtspTransport = Literal["tcp", "udp"]

LIVE_SCHEMES = frozenset({"rtsp", "rtsps", "http", "https", "rtmp", "rtmps", "srt", "udp", "tcp"})


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """How to read one camera.

    ``detect_size`` is ``(width, height)`` of the frames handed on (``None``: the stream's own size).
    ``realtime`` paces a file at its frame rate, like a camera; uploads are read as fast as possible.
    ``loop`` plays a file again from the start when it ends (a demo camera showing recorded footage).

    >>> SourceConfig(url="rtsp://cam/main", sub_url="rtsp://cam/sub", detect_fps=5).is_live
    True
    """

    url: str
    sub_url: str | None = None
    detect_fps: float = 5.0
    detect_size: tuple[int, int] | None = None
    rtsp_transport: RtspTransport = "tcp"
    open_timeout_s: float = 10.0
    read_timeout_s: float = 10.0
    decode_threads: int = 1
    realtime: bool = False
    loop: bool = False

    def __post_init__(self) -> None:
        if self.detect_fps <= 0:
            raise ValueError(f"detect_fps must be positive, got {self.detect_fps}")
        if self.open_timeout_s <= 0 or self.read_timeout_s <= 0:
            raise ValueError("open_timeout_s and read_timeout_s must be positive")
        if self.rtsp_transport not in ("tcp", "udp"):
            raise ValueError(f"rtsp_transport must be 'tcp' or 'udp', got {self.rtsp_transport!r}")
        if self.detect_size is not None and min(self.detect_size) <= 0:
            raise ValueError(f"detect_size must be positive (width, height), got {self.detect_size}")
        if self.decode_threads < 0:
            raise ValueError("decode_threads must be 0 (FFmpeg decides) or more")

    @classmethod
    def for_camera(
        cls, camera: Camera, *, detect_fps: float = 5.0, detect_size: tuple[int, int] | None = None
    ) -> SourceConfig:
        """The configuration for a registered camera: its main stream, and its sub-stream if it has one."""
        if not camera.stream_url:
            raise ValueError(f"camera {camera.id} has no stream URL")
        return cls(
            url=camera.stream_url,
            sub_url=camera.sub_stream_url,
            detect_fps=detect_fps,
            detect_size=detect_size,
        )

    @property
    def is_live(self) -> bool:
        """True for network streams (reconnect when they end), False for files (they end)."""
        return is_network_url(self.url)


@dataclass(frozen=True, slots=True)
class SampledFrame:
    """A decoded frame chosen for the analytics, already BGR (``height × width × 3``, ``uint8``).

    ``stream_time_s`` is the frame's time in the stream (the receive clock for streams without real
    timestamps, such as MJPEG); ``wall_time`` is when it was decoded (``time.time()``).
    """

    image: NDArray[np.uint8]
    stream_time_s: float
    wall_time: float
    index: int


def is_network_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in LIVE_SCHEMES


def ffmpeg_options(url: str, config: SourceConfig) -> dict[str, str]:
    """FFmpeg demuxer/protocol options for ``url``: transport and socket timeouts (in microseconds)."""
    scheme = urlsplit(url).scheme.lower()
    timeout_us = str(int(config.read_timeout_s * 1_000_000))
    if scheme in ("rtsp", "rtsps"):
        options = {"rtsp_transport": config.rtsp_transport, "timeout": timeout_us}
    elif scheme in LIVE_SCHEMES:
        options = {"rw_timeout": timeout_us}
    else:
        return {}
    # FFmpeg probes live streams for ~2 s by default; cameras announce their codec in the SDP/first GOP.
    options["analyzeduration"] = "1000000"
    return options


class FrameSampler:
    """Pick frames at ``fps`` by their stream time, resyncing when the clock jumps.

    >>> sampler = FrameSampler(5.0)
    >>> [t for t in (0.0, 0.1, 0.2, 0.3, 0.4) if sampler.take(t)]
    [0.0, 0.2, 0.4]
    """

    def __init__(self, fps: float) -> None:
        self.period = 1.0 / fps
        self._due: float | None = None

    def take(self, t: float) -> bool:
        due = self._due
        if due is None or t < due - 2 * self.period or t >= due + self.period:
            self._due = t + self.period  # first frame, or the clock jumped: resync
            return True
        if t < due - 1e-3:
            return False
        self._due = due + self.period
        return True


@dataclass(slots=True)
class _Input:
    url: str
    container: InputContainer
    stream: VideoStream
    # MJPEG over HTTP has no real timestamps (FFmpeg counts frames at an assumed 25 fps): use ours.
    receive_clock: bool = False
    first_time: float | None = None

    def progress(self, packet: Packet, fallback: float) -> float:
        """Seconds since this input's first timed packet (wall time for untimed packets)."""
        if packet.pts is None or packet.time_base is None:
            return fallback
        t = float(packet.pts * packet.time_base)
        if self.first_time is None:
            self.first_time = t
        return t - self.first_time


class StreamSource:
    """One camera's input: packets of the main stream and sampled BGR frames (from the sub-stream if set).

    ``read`` yields ``Packet`` objects (only when ``packets=True``; their ``stream`` is ``video_stream``,
    the template a recorder copies) and ``SampledFrame`` objects at ``config.detect_fps``. It raises
    ``StreamError`` and returns at the end of the stream.

    >>> with StreamSource(SourceConfig(url="clip.mp4"), packets=False) as source:  # doctest: +SKIP
    ...     frames = [item for item in source.read() if isinstance(item, SampledFrame)]
    """

    def __init__(self, config: SourceConfig, *, packets: bool = True) -> None:
        self.config = config
        self.packets = packets
        self.frames_decoded = 0
        self.decode_errors = 0
        self.last_frame_at = time.monotonic()
        self._main: _Input | None = None
        self._sub: _Input | None = None
        self._sampler = FrameSampler(config.detect_fps)
        self._clock = 0.0
        self._pace_origin: tuple[float, float] | None = None

    def __enter__(self) -> StreamSource:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect; raises ``StreamError`` with the reason when the stream cannot be played."""
        try:
            if self.packets or self.config.sub_url is None:
                self._main = self._open_input(self.config.url)
            if self.config.sub_url is not None:
                self._sub = self._open_input(self.config.sub_url)
        except BaseException:
            self.close()
            raise
        self.last_frame_at = time.monotonic()

    @property
    def video_stream(self) -> VideoStream:
        """The main input's video stream: what a recorder passes to ``add_stream_from_template``."""
        if self._main is None:
            raise RuntimeError("the main stream is not open (open() first, with packets=True)")
        return self._main.stream

    def describe(self) -> str:
        """A one-line summary for the operator, e.g. ``h264 1280x720 at 25 fps from rtsp://cam/main``."""
        parts = []
        for label, source in (("", self._main), ("analytics from ", self._sub)):
            if source is not None:
                stream = source.stream
                rate = f" at {float(stream.average_rate):g} fps" if stream.average_rate else ""
                parts.append(
                    f"{label}{stream.codec_context.name} {stream.width}x{stream.height}{rate} "
                    f"from {redact(source.url)}"
                )
        return "; ".join(parts) + f"; detect at {self.config.detect_fps:g} fps"

    def read(self) -> Iterator[Packet | SampledFrame]:
        """Demux and decode until the stream ends (return) or fails (``StreamError``)."""
        frames_from = self._sub or self._main
        if frames_from is None:
            raise RuntimeError("StreamSource.read() before open()")
        packets_from = self._main if self.packets else None
        if packets_from is None or packets_from is frames_from:
            for packet in self._demux(frames_from):
                if packets_from is not None and packet.size:
                    yield packet
                yield from self._decode(frames_from, packet)
        else:
            yield from self._read_pair(packets_from, frames_from)

    def close(self) -> None:
        for source in (self._main, self._sub):
            if source is not None:
                source.container.close()
        self._main = self._sub = None

    def _open_input(self, url: str) -> _Input:
        config = self.config
        try:
            container = av.open(
                url,
                mode="r",
                container_options=ffmpeg_options(url, config),
                timeout=(config.open_timeout_s, config.read_timeout_s),
            )
        except (av.error.FFmpegError, OSError) as exc:
            raise describe_failure(exc, url, reading=False, timeout_s=config.open_timeout_s) from None
        if not container.streams.video:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "nothing"
            container.close()
            raise StreamError(StreamStatus.BAD_STREAM, f"{redact(url)} has no video stream (found: {kinds})")
        stream = container.streams.video[0]
        stream.codec_context.thread_count = config.decode_threads
        if config.decode_threads != 1:
            stream.codec_context.thread_type = "AUTO"
        receive_clock = is_network_url(url) and stream.average_rate is None
        return _Input(url=url, container=container, stream=stream, receive_clock=receive_clock)

    def _demux(self, source: _Input) -> Iterator[Packet]:
        try:
            yield from source.container.demux(source.stream)
        except (av.error.FFmpegError, OSError) as exc:
            raise describe_failure(
                exc, source.url, reading=True, timeout_s=self.config.read_timeout_s
            ) from None

    def _read_pair(self, main: _Input, sub: _Input) -> Iterator[Packet | SampledFrame]:
        # Both are live: always read the one that is behind in stream time, so neither socket backs up.
        started = time.monotonic()
        main_packets, sub_packets = self._demux(main), self._demux(sub)
        main_at = sub_at = 0.0
        while True:
            from_main = main_at <= sub_at
            packet = next(main_packets if from_main else sub_packets, None)
            if packet is None:
                return
            fallback = time.monotonic() - started
            if from_main:
                main_at = max(main_at, main.progress(packet, fallback))
                if packet.size:
                    yield packet
            else:
                sub_at = max(sub_at, sub.progress(packet, fallback))
                yield from self._decode(sub, packet)

    def _decode(self, source: _Input, packet: Packet) -> Iterator[SampledFrame]:
        try:
            frames = source.stream.decode(packet)
        except av.error.FFmpegError as exc:
            # A damaged packet (lost UDP datagrams, a cut at a reconnect) spoils a frame, not the stream;
            # a stream of nothing but damage shows up as a stall.
            self.decode_errors += 1
            log.debug("decode error in %s: %s", redact(source.url), exc.strerror)
            return
        for frame in frames:
            self.frames_decoded += 1
            self.last_frame_at = time.monotonic()
            t = time.monotonic() if source.receive_clock else self._stream_time(frame, source.stream)
            if self.config.realtime:
                self._pace(t)
            if self._sampler.take(t):
                image = self._to_bgr(frame)
                yield SampledFrame(
                    image=image, stream_time_s=t, wall_time=time.time(), index=self.frames_decoded
                )

    def _stream_time(self, frame: VideoFrame, stream: VideoStream) -> float:
        rate = stream.average_rate or stream.guessed_rate
        if frame.time is not None:
            self._clock = frame.time
        elif rate:  # the first RTSP frames carry no timestamp yet: continue the clock by one period
            self._clock += 1.0 / float(rate)
        return self._clock

    def _pace(self, t: float) -> None:
        now = time.monotonic()
        if self._pace_origin is None:
            self._pace_origin = (t, now)
            return
        ahead = (t - self._pace_origin[0]) - (now - self._pace_origin[1])
        if ahead > 0:
            time.sleep(min(ahead, 1.0))
        elif ahead < -1.0:  # fell far behind or the clock jumped: start pacing afresh
            self._pace_origin = (t, now)

    def _to_bgr(self, frame: VideoFrame) -> NDArray[np.uint8]:
        size = self.config.detect_size
        if size is None:
            array = frame.to_ndarray(format="bgr24")
        else:
            array = frame.to_ndarray(format="bgr24", width=size[0], height=size[1])
        return np.asarray(array, dtype=np.uint8)
