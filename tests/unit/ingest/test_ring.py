"""The shared-memory frame ring: bounded, drops counted, frames intact across processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from multiprocessing.shared_memory import SharedMemory

import numpy as np
import pytest

from kuzet.ingest.process import mp_context
from kuzet.ingest.ring import SharedFrameRing

HEIGHT, WIDTH = 48, 64


def frame(value: int) -> np.ndarray[tuple[int, int, int], np.dtype[np.uint8]]:
    return np.full((HEIGHT, WIDTH, 3), value % 251, dtype=np.uint8)


def block_size(name: str) -> int:
    block = SharedMemory(name=name)
    try:
        return block.size
    finally:
        block.close()


@pytest.fixture
def ring() -> Iterator[SharedFrameRing]:
    with SharedFrameRing.create(HEIGHT, WIDTH, slots=3) as created:
        yield created


def test_drops_are_counted_when_the_reader_holds_every_slot(ring: SharedFrameRing) -> None:
    accepted = [ring.put(frame(i), timestamp=float(i)) for i in range(5)]

    assert accepted == [True, True, True, False, False]
    assert (ring.accepted, ring.dropped, ring.in_use) == (3, 2, 3)

    first = ring.get(timeout=1.0)
    assert first is not None
    assert first.timestamp == 0.0
    ring.release(first.slot)
    del first
    assert ring.put(frame(5), timestamp=5.0)
    assert (ring.accepted, ring.dropped) == (4, 2)


def test_a_full_queue_drops_the_frame_and_frees_its_slot(ring: SharedFrameRing) -> None:
    for i in range(3):
        ring.put(frame(i), timestamp=float(i))
    ring.release(0)  # a slot is free, but three notices still wait in the queue

    assert not ring.put(frame(9), timestamp=9.0)
    assert ring.dropped == 1
    assert ring.in_use == 2


def test_nothing_grows_when_nobody_reads(ring: SharedFrameRing) -> None:
    size = block_size(ring.name)
    for i in range(1000):
        ring.put(frame(i), timestamp=float(i))

    waiting = []
    while (item := ring.get(timeout=0.2)) is not None:
        waiting.append(item.timestamp)
        ring.release(item.slot)

    assert waiting == [0.0, 1.0, 2.0]  # only what fits in the slots, oldest first
    assert (ring.accepted, ring.dropped) == (3, 997)
    assert block_size(ring.name) == size


def test_rejects_a_frame_of_another_shape(ring: SharedFrameRing) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        ring.put(np.zeros((HEIGHT, WIDTH + 1, 3), np.uint8), timestamp=0.0)


def test_frames_are_read_only_views(ring: SharedFrameRing) -> None:
    ring.put(frame(7), timestamp=7.0)
    item = ring.get(timeout=1.0)
    assert item is not None

    with pytest.raises(ValueError, match="read-only"):
        item.image[0, 0, 0] = 1


def write_frames(ring: SharedFrameRing, count: int) -> None:
    """The writer process: one frame per number, every pixel the number, the timestamp the number."""
    for i in range(count):
        ring.put(frame(i), timestamp=float(i))
        if i % 20 == 0:
            time.sleep(0.002)
    ring.close()


def test_frames_cross_processes_intact_and_every_frame_is_accounted_for(ring: SharedFrameRing) -> None:
    count = 400
    writer = mp_context().Process(target=write_frames, args=(ring, count))
    writer.start()

    received: list[int] = []
    while writer.is_alive() or ring.in_use:
        item = ring.get(timeout=0.1)
        if item is None:
            continue
        number = int(item.timestamp)
        # Every pixel belongs to the same frame: the writer never touched a slot the reader held.
        assert int(item.image.min()) == int(item.image.max()) == number % 251
        received.append(number)
        if len(received) % 10 == 0:
            time.sleep(0.005)  # a slow reader, so that the writer has to drop some
        ring.release(item.slot)
        del item
    writer.join(10)

    assert writer.exitcode == 0
    assert received == sorted(received), "frames arrive in the order they were written"
    assert len(received) == ring.accepted
    assert ring.accepted + ring.dropped == count
    assert ring.dropped > 0


def test_unlink_frees_the_block() -> None:
    ring = SharedFrameRing.create(HEIGHT, WIDTH, slots=2)
    name = ring.name
    ring.close()
    ring.unlink()

    with pytest.raises(FileNotFoundError):
        block_size(name)
