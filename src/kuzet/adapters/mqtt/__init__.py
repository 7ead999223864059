"""MQTT: patrol units' GPS and status in, dispatch orders out, SOS buttons in."""
