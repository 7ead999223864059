"""Failed sign-in throttling: too many failures for one username or one address lock it out a while.

In process memory: right for the embedded shape and per API replica; a center running several API
replicas behind a balancer should pin sign-in to one replica or move this to a shared store.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self, max_failures: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_failures
        self._window = window_seconds
        self._clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> float:
        """Seconds until sign-in is allowed again for any of these keys (0 when allowed now)."""
        now = self._clock()
        with self._lock:
            waits = [
                failures[0] + self._window - now
                for key in keys
                if len(failures := self._prune(key, now)) >= self._max
            ]
        return max(waits, default=0.0)

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
