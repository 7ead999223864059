"""Stream ingest: cameras in, frames and packets out.

One worker process per camera (``worker.CameraWorker``) opens the stream with PyAV (``source``),
decodes every packet but hands only the frames the analytics need, at the camera's detect rate, to a
shared-memory ring (``ring.SharedFrameRing``), and offers the undecoded packets to a recorder
(``worker.PacketSink``) that remuxes them without re-encoding. It reconnects with backoff, notices a
stalled stream and reports its ``status.StreamHealth``; a watchdog (``watchdog.Watchdog``) restarts a
worker that dies. Modules are imported explicitly; nothing here runs at import time.
"""
