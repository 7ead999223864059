"""Cameras, districts and the site's reference data."""
