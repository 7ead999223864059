"""Durable event bus on NATS JetStream, for deployments where delivery must outlive a process.

Events go to one file-backed stream over ``<prefix>.events.>``; the ``Nats-Msg-Id`` header carries the
event id, so a re-publish (say, an outbox relay retrying after a lost ack) is dropped by JetStream's
duplicate window instead of being delivered twice. Each consumer is a *durable pull consumer* named after
the consumer, so a restarted process that subscribes under the same name resumes exactly where the old
one stopped: acked events are not handled again, unacked ones are redelivered.

Delivery is at least once: a handler that raises gets the event again after a short delay (bounded by
``max_deliver``, after which it is logged and terminated), and a payload that cannot be decoded is
terminated at once, since retrying would never fix it. Wrap handlers with ``idempotent`` to make repeats
harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from kuzet.adapters.bus.codec import decode, encode
from kuzet.domain.messages import Event
from kuzet.errors import BusUnavailableError
from kuzet.services.ports import EventHandler

_log = logging.getLogger(__name__)

_MSG_ID_HEADER = "Nats-Msg-Id"
_FILTER_SUBJECTS_SINCE = (2, 10)  # several filter subjects per consumer need nats-server 2.10


class _FirstConnectError(Exception):
    """Raised from the error callback to stop nats-py retrying the very first connect."""


@dataclass(eq=False)
class _Subscription:
    name: str
    wanted: frozenset[str]
    handler: EventHandler
    pull: JetStreamContext.PullSubscription
    task: asyncio.Task[None] | None = field(default=None)
    fetching: bool = False


class NatsEventBus:
    """``EventBus`` on JetStream: durable pull consumers, explicit acks, dedup by event id."""

    def __init__(
        self,
        url: str,
        stream: str = "KUZET",
        subject_prefix: str = "kuzet",
        *,
        connect_timeout: float = 2.0,
        duplicate_window: float = 120.0,
        ack_wait: float = 5.0,
        max_deliver: int = 5,
        nak_delay: float = 1.0,
        fetch_batch: int = 16,
        fetch_timeout: float = 1.0,
        new_consumers_start: Literal["all", "new"] = "all",
        close_timeout: float = 10.0,
    ) -> None:
        self._url = url
        self._stream = stream
        self._prefix = subject_prefix
        self._connect_timeout = connect_timeout
        self._duplicate_window = duplicate_window
        self._ack_wait = ack_wait
        self._max_deliver = max_deliver
        self._nak_delay = nak_delay
        self._fetch_batch = fetch_batch
        self._fetch_timeout = fetch_timeout
        self._deliver_policy = DeliverPolicy.ALL if new_consumers_start == "all" else DeliverPolicy.NEW
        self._close_timeout = close_timeout
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._connected_once = False
        self._stopping = False
        self._subs: dict[str, _Subscription] = {}

    def subject_for(self, event_type: type[Event]) -> str:
        """The subject events of ``event_type`` are published on, e.g. ``kuzet.events.camera_removed``."""
        return f"{self._prefix}.{event_type.topic()}"

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect and create (or update) the stream; raises ``BusUnavailableError`` if NATS is not there."""
        if self._nc is not None:
            return
        nc = await self._connect()
        self._nc, self._js = nc, nc.jetstream()
        self._stopping = False
        try:
            await self._ensure_stream(self._js)
        except (nats.errors.Error, TimeoutError) as exc:
            await self._disconnect()
            raise BusUnavailableError(
                f"cannot set up JetStream stream {self._stream} at {self._url}: {exc!r}"
            ) from exc

    async def close(self) -> None:
        """Stop the fetch loops (letting a batch in hand finish) and drain the connection."""
        self._stopping = True
        tasks = [sub.task for sub in self._subs.values() if sub.task is not None]
        for sub in self._subs.values():
            if sub.fetching and sub.task is not None:
                sub.task.cancel()  # waiting for messages: nothing in hand to lose
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self._close_timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._subs.clear()
        await self._disconnect()

    async def _connect(self) -> Client:
        nc = Client()
        self._connected_once = False
        try:
            await asyncio.wait_for(
                nc.connect(
                    self._url,
                    name="kuzet",
                    connect_timeout=max(1, math.ceil(self._connect_timeout)),
                    max_reconnect_attempts=-1,  # once up, keep reconnecting; the first try fails fast
                    error_cb=self._on_error,
                ),
                timeout=self._connect_timeout,
            )
        except (_FirstConnectError, nats.errors.Error, OSError, TimeoutError, ValueError) as exc:
            await nc.close()
            reason = "no answer in time" if isinstance(exc, TimeoutError) else str(exc) or repr(exc)
            raise BusUnavailableError(f"cannot connect to NATS at {self._url}: {reason}") from exc
        self._connected_once = True
        return nc

    async def _on_error(self, exc: Exception) -> None:
        if not self._connected_once:
            raise _FirstConnectError(str(exc) or repr(exc)) from exc
        _log.warning("NATS connection to %s: %r", self._url, exc)

    async def _disconnect(self) -> None:
        nc, self._nc, self._js = self._nc, None, None
        if nc is None or nc.is_closed:
            return
        with contextlib.suppress(nats.errors.Error, TimeoutError):
            await nc.drain()
        if not nc.is_closed:
            await nc.close()

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        config = StreamConfig(
            name=self._stream,
            subjects=[f"{self._prefix}.events.>"],
            storage=StorageType.FILE,
            duplicate_window=self._duplicate_window,
        )
        try:
            await js.stream_info(self._stream)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)

    def _require_js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("NatsEventBus is not started: call start() first")
        return self._js

    # -- publish -------------------------------------------------------------------------------

    async def publish(self, event: Event) -> None:
        """Store ``event`` in the stream; a second publish of the same event id is dropped as duplicate."""
        js = self._require_js()
        subject = self.subject_for(type(event))
        try:
            await js.publish(subject, encode(event), headers={_MSG_ID_HEADER: str(event.event_id)})
        except (nats.errors.Error, TimeoutError) as exc:
            raise BusUnavailableError(f"cannot publish {event.type_name()} to {subject}: {exc!r}") from exc

    # -- subscribe -----------------------------------------------------------------------------

    async def subscribe(
        self, consumer: str, event_types: Sequence[type[Event]], handler: EventHandler
    ) -> None:
        """Create or update the durable consumer ``consumer`` and start delivering to ``handler``."""
        js = self._require_js()
        if consumer in self._subs:
            raise ValueError(f"consumer {consumer!r} is already subscribed on this bus")
        if not event_types:
            raise ValueError(f"consumer {consumer!r} must subscribe to at least one event type")
        try:
            await self._ensure_consumer(js, consumer, event_types)
            pull = await js.pull_subscribe_bind(consumer, stream=self._stream)
        except (nats.errors.Error, TimeoutError) as exc:
            raise BusUnavailableError(
                f"cannot create consumer {consumer!r} on {self._stream}: {exc!r}"
            ) from exc
        wanted = frozenset(t.type_name() for t in event_types)
        sub = _Subscription(consumer, wanted, handler, pull)
        sub.task = asyncio.create_task(self._run(sub), name=f"kuzet-nats-{consumer}")
        self._subs[consumer] = sub

    async def _ensure_consumer(
        self, js: JetStreamContext, consumer: str, event_types: Sequence[type[Event]]
    ) -> None:
        config = self._consumer_config(consumer, event_types)
        try:
            await js.add_consumer(self._stream, config)  # creates, or updates the durable consumer
        except APIError as exc:
            try:
                await js.consumer_info(self._stream, consumer)
            except NotFoundError:
                raise exc from None
            _log.warning(
                "keeping existing consumer %s on %s, could not update it: %s", consumer, self._stream, exc
            )

    def _consumer_config(self, consumer: str, event_types: Sequence[type[Event]]) -> ConsumerConfig:
        config = ConsumerConfig(
            name=consumer,
            durable_name=consumer,
            deliver_policy=self._deliver_policy,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self._ack_wait,
            max_deliver=self._max_deliver,
        )
        subjects = sorted({self.subject_for(t) for t in event_types})
        if len(subjects) == 1:
            config.filter_subject = subjects[0]
        elif self._supports_filter_subjects():
            config.filter_subjects = subjects
        else:  # older server: take every event and skip unwanted types in _process
            config.filter_subject = f"{self._prefix}.events.>"
        return config

    def _supports_filter_subjects(self) -> bool:
        if self._nc is None:
            return False
        version = self._nc.connected_server_version
        return (version.major, version.minor) >= _FILTER_SUBJECTS_SINCE

    # -- delivery ------------------------------------------------------------------------------

    async def _run(self, sub: _Subscription) -> None:
        while not self._stopping and self._nc is not None and not self._nc.is_closed:
            for msg in await self._fetch(sub):
                await self._process(sub, msg)

    async def _fetch(self, sub: _Subscription) -> list[Msg]:
        sub.fetching = True
        try:
            return await sub.pull.fetch(self._fetch_batch, timeout=self._fetch_timeout)
        except TimeoutError:
            return []
        except nats.errors.Error as exc:
            _log.warning("%s: fetching from %s failed: %r", sub.name, self._stream, exc)
            await asyncio.sleep(self._fetch_timeout)
            return []
        finally:
            sub.fetching = False

    async def _process(self, sub: _Subscription, msg: Msg) -> None:
        try:
            event = decode(msg.data)
        except ValueError as exc:
            _log.error("%s: terminating undecodable message on %s: %s", sub.name, msg.subject, exc)
            await _settle(sub.name, msg, msg.term)
            return
        if event.type_name() not in sub.wanted:
            await _settle(sub.name, msg, msg.ack)
            return
        try:
            await self._handle_keeping_alive(sub, msg, event)
        except Exception as exc:
            await self._retry_or_give_up(sub, msg, event, exc)
            return
        await _settle(sub.name, msg, msg.ack)

    async def _handle_keeping_alive(self, sub: _Subscription, msg: Msg, event: Event) -> None:
        """Run the handler, telling JetStream it is still in progress so a slow one is not redelivered."""
        task = asyncio.ensure_future(sub.handler(event))
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=self._ack_wait / 2)
                if not task.done():
                    await _settle(sub.name, msg, msg.in_progress)
            task.result()
        finally:
            task.cancel()

    async def _retry_or_give_up(self, sub: _Subscription, msg: Msg, event: Event, exc: Exception) -> None:
        delivery = msg.metadata.num_delivered
        what = f"{sub.name} failed on {event.type_name()} {event.event_id} ({delivery}/{self._max_deliver})"
        if delivery >= self._max_deliver:
            _log.error("%s; giving up on it", what, exc_info=exc)
            await _settle(sub.name, msg, msg.term)
            return
        _log.warning("%s; redelivering in %.1fs", what, self._nak_delay, exc_info=exc)
        await _settle(sub.name, msg, functools.partial(msg.nak, delay=self._nak_delay))


async def _settle(consumer: str, msg: Msg, action: Callable[[], Awaitable[None]]) -> None:
    """Ack/nak/term ``msg``; if that fails the server redelivers after ack_wait, which is safe."""
    try:
        await action()
    except nats.errors.Error as exc:
        _log.warning(
            "%s: could not settle message on %s (will be redelivered): %r", consumer, msg.subject, exc
        )
