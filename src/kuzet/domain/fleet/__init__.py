"""The camera fleet: picture health, availability and the device lifecycle."""
