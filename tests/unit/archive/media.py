"""Test video made on the spot: H.264 (libx264) of a moving pattern, with a known keyframe interval."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from av.video.stream import VideoStream

WIDTH, HEIGHT, FPS = 160, 120, 25


def _frames(count: int) -> list[np.ndarray]:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    base = np.stack([xx % 256, yy * 2 % 256, (xx + yy) % 256], axis=-1).astype(np.uint8)
    frames = []
    for i in range(count):
        frame = np.roll(base, i * 3, axis=1)
        x = (i * 4) % (WIDTH - 20)
        frame[50:70, x : x + 20] = 255  # a white box crossing the picture
        frames.append(frame)
    return frames


def encode_h264(path: Path, seconds: float, gop_seconds: float = 1.0, codec: str = "libx264") -> Path:
    """Write ``seconds`` of 25 fps video with a keyframe every ``gop_seconds`` (no B-frames)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=FPS)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height = WIDTH, HEIGHT
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        stream.gop_size = round(gop_seconds * FPS)
        if codec == "libx264":
            stream.codec_context.options = {"preset": "ultrafast", "tune": "zerolatency", "sc_threshold": "0"}
        for image in _frames(round(seconds * FPS)):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
    return path


def decoded_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def duration_seconds(path: Path) -> float:
    """The span of the video's presentation times (last frame included)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        base = stream.time_base or 0
        times = [float(f.pts * base) for f in container.decode(stream) if f.pts is not None]
    return max(times) - min(times) + 1 / FPS


def first_packet_is_keyframe(path: Path) -> bool:
    with av.open(str(path)) as container:
        packet = next(p for p in container.demux(video=0) if p.size)
        return packet.is_keyframe


def flip_byte(path: Path, offset: int | None = None) -> None:
    """Change one byte (the middle one by default), the smallest tampering there is."""
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if offset is None else offset
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
