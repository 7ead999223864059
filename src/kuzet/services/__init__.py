"""Use cases: command and event handlers. They depend on ports, never on adapters."""
