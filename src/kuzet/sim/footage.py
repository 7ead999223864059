"""Real footage for cameras that have none: the registries' recordings, re-encoded as a camera sends them.

The demo city and the tests need cameras that show real people, and the only surveillance footage
the registries ship is opencv-doc's ``vtest.avi``: pedestrians on a campus square seen from a mast,
768×576, 10 fps, ~80 s. It is MPEG-4 part 2 in AVI, which no IP camera sends and MPEG-TS segments
cannot hold, so it is re-encoded once to H.264 with a keyframe every ``gop_seconds`` (as a camera's
stream would be) and kept; a mirrored copy gives a second, different-looking view.

>>> footage = h264_footage(Path("var/footage"))          # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from av.video.stream import VideoStream

from kuzet.sim.scenes import VTEST_PATH


def h264_copy(
    source: Path,
    target: Path,
    *,
    gop_seconds: float = 2.0,
    max_seconds: float | None = None,
    mirror: bool = False,
) -> Path:
    """Re-encode ``source`` as H.264 (MP4) at ``target``, unless a finished copy is already there.

    Written to a temporary name first, so an interrupted run never leaves a truncated file behind.
    """
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    if not source.is_file():
        raise FileNotFoundError(
            f"{source}: footage not found (the Debian package opencv-doc ships vtest.avi)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    with av.open(str(source)) as src, av.open(str(part), "w", format="mp4") as out:
        video = src.streams.video[0]
        rate = video.average_rate or 10
        stream = out.add_stream("libx264", rate=rate)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = video.width, video.height, "yuv420p"
        stream.gop_size = max(1, round(gop_seconds * float(rate)))
        stream.codec_context.options = {"preset": "veryfast", "bf": "0", "sc_threshold": "0"}
        for index, frame in enumerate(src.decode(video)):
            if max_seconds is not None and index >= max_seconds * float(rate):
                break
            image = np.asarray(frame.to_ndarray(format="bgr24"), np.uint8)
            if mirror:
                image = np.ascontiguousarray(image[:, ::-1])
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")))
        out.mux(stream.encode(None))
    part.replace(target)
    return target


def h264_footage(folder: Path, source: Path = VTEST_PATH) -> tuple[Path, Path]:
    """The square footage as H.264, as recorded and mirrored (made once, then reused)."""
    return (
        h264_copy(source, folder / "square.mp4"),
        h264_copy(source, folder / "square-mirrored.mp4", mirror=True),
    )
