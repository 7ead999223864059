"""HTTP API: one router per resource; every route declares the permission it needs."""
