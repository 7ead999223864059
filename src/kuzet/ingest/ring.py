"""A shared-memory ring of frames: pictures cross processes without being pickled or copied twice.

After Frigate: the camera worker writes a decoded BGR frame into a free slot of one shared-memory block
and sends only ``(slot, timestamp)`` through a bounded queue; the analytics process reads the slot as a
NumPy view and releases it. When the reader falls behind there is no free slot (or no room in the
queue) and the frame is dropped and counted, so memory stays fixed however slow the reader is.

Layout of the block: two int64 counters (frames accepted, frames dropped; written by the writer only),
one state byte per slot (0 free, 1 holding a frame; the writer sets 1, the reader sets 0), then the
slots. One writer and one reader per ring. The owner (the process that created the ring, usually the
supervisor) outlives worker restarts and unlinks the block at the end.

>>> ring = SharedFrameRing.create(height=2, width=2, slots=2)
>>> ring.put(np.zeros((2, 2, 3), np.uint8), timestamp=1.0)
True
>>> frame = ring.get(timeout=1.0)
>>> frame.slot, frame.timestamp, frame.image.shape
(0, 1.0, (2, 2, 3))
>>> ring.release(frame.slot)
>>> del frame
>>> ring.close(); ring.unlink()
"""

from __future__ import annotations

import contextlib
import queue
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.queues import Queue
from multiprocessing.shared_memory import SharedMemory
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kuzet.ingest.process import mp_context

_ALIGN = 64
_ACCEPTED, _DROPPED = 0, 1
_FREE, _FULL = 0, 1


@dataclass(frozen=True, slots=True)
class RingFrame:
    """A frame in the ring: its slot (release it when done), its timestamp and a read-only view."""

    slot: int
    timestamp: float
    image: NDArray[np.uint8]


class _Mapping:
    """The attached block and the NumPy views over it (dropped together on close)."""

    def __init__(self, shm: SharedMemory, shape: tuple[int, int, int], slots: int) -> None:
        self.counters: NDArray[np.int64] = np.ndarray((2,), dtype=np.int64, buffer=shm.buf, offset=0)
        self.states: NDArray[np.uint8] = np.ndarray((slots,), dtype=np.uint8, buffer=shm.buf, offset=16)
        self.frames: NDArray[np.uint8] = np.ndarray(
            (slots, *shape), dtype=np.uint8, buffer=shm.buf, offset=_header_size(slots)
        )


def _header_size(slots: int) -> int:
    return -(-(16 + slots) // _ALIGN) * _ALIGN


class SharedFrameRing:
    """Fixed slots of ``height × width × 3`` uint8 in shared memory, announced through a bounded queue.

    Create it with ``SharedFrameRing.create`` in the parent and pass it to the worker process (it pickles
    by name and re-attaches there). Writer: ``put``. Reader: ``get`` then ``release``.
    """

    def __init__(
        self,
        shm: SharedMemory,
        shape: tuple[int, int, int],
        slots: int,
        notices: Queue[tuple[int, float]],
        *,
        owner: bool,
    ) -> None:
        self._attach(shm, shape, slots, notices, owner=owner)

    def _attach(
        self,
        shm: SharedMemory,
        shape: tuple[int, int, int],
        slots: int,
        notices: Queue[tuple[int, float]],
        *,
        owner: bool,
    ) -> None:
        self.shape = shape
        self.slots = slots
        self.name = shm.name
        self._shm = shm
        self._notices = notices
        self._owner = owner
        self._cursor = 0
        self._mapping: _Mapping | None = _Mapping(shm, shape, slots)

    @classmethod
    def create(
        cls,
        height: int,
        width: int,
        slots: int = 4,
        *,
        name: str | None = None,
        context: BaseContext | None = None,
    ) -> SharedFrameRing:
        """Allocate a new ring; the caller owns it and must ``close`` and ``unlink`` it (or use ``with``)."""
        if height <= 0 or width <= 0 or slots <= 0:
            raise ValueError(f"ring needs positive height, width and slots, got {height}x{width}x{slots}")
        shape = (height, width, 3)
        size = _header_size(slots) + slots * height * width * 3
        shm = SharedMemory(name=name, create=True, size=size)
        np.ndarray((size,), dtype=np.uint8, buffer=shm.buf)[: _header_size(slots)] = 0
        notices: Queue[tuple[int, float]] = (context or mp_context()).Queue(maxsize=slots)
        return cls(shm, shape, slots, notices, owner=True)

    def __getstate__(self) -> dict[str, object]:
        return {"name": self.name, "shape": self.shape, "slots": self.slots, "notices": self._notices}

    def __setstate__(self, state: dict[str, Any]) -> None:
        shm = SharedMemory(name=state["name"])
        self._attach(shm, state["shape"], state["slots"], state["notices"], owner=False)

    def __enter__(self) -> SharedFrameRing:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
        if self._owner:
            self.unlink()

    # writer side

    def put(self, image: NDArray[np.uint8], timestamp: float) -> bool:
        """Copy ``image`` into a free slot and announce it; False (and counted) when it had to be dropped."""
        mapping = self._attached()
        if image.shape != self.shape:
            raise ValueError(f"frame of shape {image.shape} does not fit ring slots of shape {self.shape}")
        slot = self._free_slot(mapping.states)
        if slot is None:
            mapping.counters[_DROPPED] += 1
            return False
        np.copyto(mapping.frames[slot], image, casting="no")
        mapping.states[slot] = _FULL
        try:
            self._notices.put_nowait((slot, timestamp))
        except queue.Full:
            mapping.states[slot] = _FREE
            mapping.counters[_DROPPED] += 1
            return False
        mapping.counters[_ACCEPTED] += 1
        return True

    def _free_slot(self, states: NDArray[np.uint8]) -> int | None:
        for step in range(self.slots):
            slot = (self._cursor + step) % self.slots
            if states[slot] == _FREE:
                self._cursor = slot + 1
                return slot
        return None

    # reader side

    def get(self, timeout: float | None = None) -> RingFrame | None:
        """The next frame (``None`` after ``timeout`` seconds without one); ``release`` its slot when done."""
        mapping = self._attached()
        try:
            slot, timestamp = self._notices.get(timeout=timeout)
        except queue.Empty:
            return None
        view = mapping.frames[slot].view()
        view.flags.writeable = False
        return RingFrame(slot=slot, timestamp=timestamp, image=view)

    def release(self, slot: int) -> None:
        """Hand a slot back to the writer; the frame's view must not be used afterwards."""
        self._attached().states[slot] = _FREE

    # both sides

    @property
    def accepted(self) -> int:
        """Frames put into the ring since it was created (across writer restarts)."""
        return int(self._attached().counters[_ACCEPTED])

    @property
    def dropped(self) -> int:
        """Frames the writer had to drop because the reader had no slot free."""
        return int(self._attached().counters[_DROPPED])

    @property
    def in_use(self) -> int:
        """Slots holding a frame that the reader has not released yet."""
        return int(np.count_nonzero(self._attached().states))

    def close(self) -> None:
        """Detach this process from the block; drop every ``RingFrame`` view first."""
        if self._mapping is None:
            return
        self._mapping = None
        try:
            self._shm.close()
        except BufferError:
            raise RuntimeError(f"ring {self.name}: frames from the ring are still referenced") from None

    def unlink(self) -> None:
        """Free the block for good (owner only, after every process closed it)."""
        with contextlib.suppress(FileNotFoundError):
            self._shm.unlink()
        self._notices.close()

    def _attached(self) -> _Mapping:
        if self._mapping is None:
            raise RuntimeError(f"ring {self.name} is closed")
        return self._mapping
