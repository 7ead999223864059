"""What an ingest worker says about its stream: a status an operator can act on, and counters.

The statuses separate the causes that need different people: ``auth_failed`` (fix the credentials),
``not_found`` (fix the path), ``unreachable`` (network or camera power), ``bad_stream`` (the camera
sends something we cannot play), ``stalled`` (connected but no pictures). ``StreamHealth`` crosses
process boundaries on a queue, so it is a small frozen, picklable dataclass. ``describe_failure``
maps FFmpeg's errors onto these statuses with a sentence naming the URL, its password masked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from kuzet.domain.messages import utc_now


class StreamStatus(StrEnum):
    """The state of one camera stream as its worker sees it."""

    CONNECTING = "connecting"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"
    STALLED = "stalled"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    NOT_FOUND = "not_found"
    BAD_STREAM = "bad_stream"
    ENDED = "ended"
    STOPPED = "stopped"

    @property
    def is_failure(self) -> bool:
        """True for the statuses that mean the camera gives no pictures because something is wrong."""
        return self in _FAILURES


_FAILURES = frozenset(
    {
        StreamStatus.STALLED,
        StreamStatus.UNREACHABLE,
        StreamStatus.AUTH_FAILED,
        StreamStatus.NOT_FOUND,
        StreamStatus.BAD_STREAM,
    }
)


@dataclass(frozen=True, slots=True)
class StreamHealth:
    """One report from a camera worker: its status since when, why, and its counters so far.

    ``detail`` is written for an operator and never contains a password. ``retry_in_s`` is the delay
    before the next connection attempt when the worker is backing off, else ``None``.

    >>> StreamHealth(camera_id="st-001", status=StreamStatus.STREAMING, detail="streaming 1280x720 h264")
    ... # doctest: +ELLIPSIS
    StreamHealth(camera_id='st-001', status=<StreamStatus.STREAMING: 'streaming'>, ...)
    """

    camera_id: str
    status: StreamStatus
    detail: str
    since: datetime = field(default_factory=utc_now)
    frames_decoded: int = 0
    frames_dropped: int = 0
    reconnects: int = 0
    retry_in_s: float | None = None


# scheme://user:password@ — the password ends at the last "@" before the host (raw "@" or "/" happen).
_CREDENTIALS = re.compile(
    r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s'\"]*):(?P<password>[^\s'\"]*?)@(?=[^\s'\"@]*(?:[\s'\"]|$))"
)
_SECRET_QUERY = re.compile(r"(?i)(?P<key>[?&](?:password|passwd|pwd|pass|token|auth|key|secret)=)[^&#\s'\"]*")


def redact(text: str) -> str:
    """Mask every password in URLs inside ``text``.

    >>> redact("wrong credentials for rtsp://admin:s3cret@10.0.0.7/main?token=abc")
    'wrong credentials for rtsp://admin:***@10.0.0.7/main?token=***'
    """
    return _SECRET_QUERY.sub(r"\g<key>***", _CREDENTIALS.sub(r"\g<head>:***@", text))


class StreamError(Exception):
    """A stream could not be opened or read; ``status`` says why, ``message`` says it to a person."""

    def __init__(self, status: StreamStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class _FailureRule:
    errors: tuple[type[BaseException], ...]
    status: StreamStatus
    message: str  # "{where}": the redacted URL, "{reason}": FFmpeg's words, "{timeout}": seconds
    reading: bool | None = None  # applies while opening (False), while reading (True), or both (None)


@functools.cache
def _failure_rules() -> tuple[_FailureRule, ...]:
    """The rules, first match wins (built on first use: PyAV loads only where streams are read).

    Builtin classes also catch PyAV's (av.error.ConnectionRefusedError subclasses both).
    """
    import av.error

    return (
        _FailureRule(
            (av.error.HTTPForbiddenError, PermissionError),
            StreamStatus.AUTH_FAILED,
            "access to {where} is forbidden ({reason})",
        ),
        _FailureRule(
            (av.error.HTTPNotFoundError,),
            StreamStatus.NOT_FOUND,
            "no stream at {where} (404 Not Found): check the path",
        ),
        _FailureRule((FileNotFoundError,), StreamStatus.NOT_FOUND, "{where} does not exist"),
        _FailureRule(
            (av.error.ExitError, TimeoutError),
            StreamStatus.STALLED,
            "no data from {where} for {timeout} s",
            reading=True,
        ),
        _FailureRule(
            (av.error.ExitError, TimeoutError),
            StreamStatus.UNREACHABLE,
            "no answer from {where} within {timeout} s",
            reading=False,
        ),
        _FailureRule(
            (ConnectionRefusedError,),
            StreamStatus.UNREACHABLE,
            "nothing is listening at {where} (connection refused)",
        ),
        _FailureRule(
            (ConnectionResetError, ConnectionAbortedError, BrokenPipeError),
            StreamStatus.RECONNECTING,
            "connection to {where} lost ({reason})",
            reading=True,
        ),
        _FailureRule(
            (av.error.InvalidDataError,),
            StreamStatus.BAD_STREAM,
            "{where} is not a playable video stream (invalid data: {reason})",
        ),
        _FailureRule(
            (av.error.LookupError, av.error.PatchWelcomeError, av.error.NotImplementedError),
            StreamStatus.BAD_STREAM,
            "{where} uses an unsupported format ({reason})",
        ),
        _FailureRule(
            (BaseException,), StreamStatus.RECONNECTING, "reading {where} failed ({reason})", reading=True
        ),
        _FailureRule(
            (av.error.HTTPError, av.error.HTTPClientError),
            StreamStatus.UNREACHABLE,
            "{where} answered with an error ({reason})",
        ),
        _FailureRule((BaseException,), StreamStatus.UNREACHABLE, "cannot reach {where} ({reason})"),
    )


def describe_failure(exc: BaseException, url: str, *, reading: bool, timeout_s: float) -> StreamError:
    """Turn an FFmpeg/OS error into a status and a sentence naming the (redacted) URL.

    >>> import av.error
    >>> describe_failure(av.error.HTTPUnauthorizedError(-825242872, "401"), "rtsp://u:pw@cam/main",
    ...                  reading=False, timeout_s=5).message
    'wrong credentials for rtsp://u:***@cam/main (401 Unauthorized)'
    """
    import av.error

    where = redact(url)
    if isinstance(exc, av.error.HTTPUnauthorizedError):
        if urlsplit(url).username:
            return StreamError(StreamStatus.AUTH_FAILED, f"wrong credentials for {where} (401 Unauthorized)")
        return StreamError(StreamStatus.AUTH_FAILED, f"{where} needs credentials (401 Unauthorized)")
    rule = next(r for r in _failure_rules() if isinstance(exc, r.errors) and r.reading in (None, reading))
    return StreamError(
        rule.status, rule.message.format(where=where, reason=_reason(exc), timeout=f"{timeout_s:g}")
    )


def _reason(exc: BaseException) -> str:
    """FFmpeg's own words: its last error log line (where PyAV captured one), else the error text."""
    import av.error

    if isinstance(exc, av.error.FFmpegError):
        # At run time ``log`` is ``(level, component, message)`` or None (the stub's type is off).
        logged: object = exc.log
        text = logged[-1].strip() if isinstance(logged, tuple) and isinstance(logged[-1], str) else ""
        return redact(text or exc.strerror or type(exc).__name__)
    return redact(getattr(exc, "strerror", None) or type(exc).__name__)
