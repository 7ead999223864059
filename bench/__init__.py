"""Benchmarks: speed, memory and accuracy, measured here and printed as tables (``make bench``)."""
