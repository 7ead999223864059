"""Configuration: environment settings and the site file."""
