"""A real RTSP server for the ingest tests, run as a subprocess under the system ``/usr/bin/python3``.

The GStreamer bindings (``gi``) come from Debian and exist only for the system interpreter, not in the
project's virtual environment, so the tests start this script in a child process and talk RTSP to it
like to a camera. It serves H.264 (x264, zero latency, a key frame every two seconds) from
``videotestsrc`` or from a video file, optionally behind basic authentication, and prints ``READY``
once it listens::

    /usr/bin/python3 rtsp_server.py --port 8554 --path /cam --fps 15 --user admin --password secret

Only the standard library is imported at module level; ``gi`` is loaded in ``main`` so mypy can check
this file without stubs for it.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Gst:
    """The three GObject-introspection namespaces this server needs."""

    core: Any
    rtsp: Any
    glib: Any


def load_gstreamer() -> Gst:
    gi = importlib.import_module("gi")
    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    return Gst(
        core=importlib.import_module("gi.repository.Gst"),
        rtsp=importlib.import_module("gi.repository.GstRtspServer"),
        glib=importlib.import_module("gi.repository.GLib"),
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on")
    parser.add_argument("--path", default="/cam", help="mount path of the stream, e.g. /cam")
    parser.add_argument("--source", default="testsrc", help="'testsrc' or the path of a video file")
    parser.add_argument("--fps", type=int, default=15, help="frame rate of the served stream")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--user", default=None, help="require basic auth with this user")
    parser.add_argument("--password", default=None, help="password for --user")
    return parser.parse_args(argv)


def launch_line(args: argparse.Namespace) -> str:
    caps = f"video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1"
    if args.source == "testsrc":
        source = f"videotestsrc is-live=true pattern=ball ! {caps}"
    else:
        # A file is decoded and re-encoded so that any container the tests have becomes H.264 over RTP.
        source = (
            f'filesrc location="{args.source}" ! decodebin ! videoconvert ! videoscale ! videorate ! {caps}'
        )
    encoder = f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps * 2} bitrate=800"
    return f"( {source} ! {encoder} ! rtph264pay name=pay0 pt=96 config-interval=1 )"


def build_server(gst: Gst, args: argparse.Namespace) -> Any:
    server = gst.rtsp.RTSPServer.new()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = gst.rtsp.RTSPMediaFactory.new()
    factory.set_launch(launch_line(args))
    factory.set_shared(True)
    if args.user is not None:
        auth = gst.rtsp.RTSPAuth.new()
        token = gst.rtsp.RTSPToken()
        token.set_string(gst.rtsp.RTSP_TOKEN_MEDIA_FACTORY_ROLE, args.user)
        auth.add_basic(gst.rtsp.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        factory.add_role_from_structure(
            gst.core.Structure.new_from_string(
                f"{args.user}, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
            )
        )
    server.get_mount_points().add_factory(args.path, factory)
    return server


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    gst = load_gstreamer()
    gst.core.init(None)
    server = build_server(gst, args)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr, flush=True)
        return 1
    loop = gst.glib.MainLoop.new(None, False)
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    signal.signal(signal.SIGINT, lambda *_: loop.quit())
    # GLib only looks at Python signal handlers when it wakes up; a periodic no-op makes sure it does.
    gst.glib.timeout_add(200, lambda: True)
    print("READY", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
