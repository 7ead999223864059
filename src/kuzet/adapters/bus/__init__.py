"""Event bus adapters: in-memory for the embedded shape and tests, NATS JetStream for durable delivery.

Both implement ``kuzet.services.ports.EventBus`` and share one wire codec, so events look the same
whichever bus carries them.
"""
