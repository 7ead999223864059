"""Use cases of cameras and the site file's reference data."""
