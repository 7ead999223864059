"""A live ``kuzet demo`` in a scratch folder, for the tests and benchmarks that drive a whole center.

The server runs as a user starts it (its own SQLite, archive and port, serving the built console), and
``demo_server`` yields once ``/api/health`` answers, with the operator's password read from the banner.

Example::

    with demo_server(web_dist=Path("web/dist")) as live:
        urllib.request.urlopen(f"{live.url}/api/health")
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LOGIN = re.compile(r"operator login:\s*operator\s*/\s*(\S+)")
DEMO_ARGS = ("--no-footage", "--cameras", "80", "--units", "12")


@dataclass(frozen=True, slots=True)
class LiveDemo:
    url: str
    operator_password: str
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo_server(web_dist: Path, folder: Path | None = None, timeout_s: float = 120) -> Iterator[LiveDemo]:
    """``kuzet demo --no-footage`` serving ``web_dist`` on a free port; stopped when the block ends."""
    with tempfile.TemporaryDirectory(prefix="kuzet-demo-") as scratch:
        where = folder or Path(scratch)
        port = free_port()
        env = {**os.environ, "KUZET_PORT": str(port), "KUZET_HOST": "127.0.0.1"}
        env |= {"KUZET_WEB_PATH": str(web_dist), "COLUMNS": "200"}
        log_path = where / "server.log"
        with log_path.open("w+") as log:
            command = [sys.executable, "-m", "kuzet", "demo", *DEMO_ARGS]
            server = subprocess.Popen(command, cwd=where, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
            url = f"http://127.0.0.1:{port}"
            try:
                yield LiveDemo(url, _wait_until_serving(server, log_path, url, timeout_s), log_path)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:  # noqa: S310 - our own server
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_serving(server: subprocess.Popen[bytes], log: Path, url: str, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kuzet demo exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        found = LOGIN.search(log.read_text())
        if found and _serving(url):
            return found.group(1)
        time.sleep(0.3)
    raise RuntimeError(f"kuzet demo did not serve within {timeout_s} s:\n{log.read_text()[-3000:]}")
