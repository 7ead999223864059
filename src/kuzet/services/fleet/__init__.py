"""Use cases of the fleet: camera health and the device lifecycle."""
