"""Frames in, observations out: the CPU-heavy analysis of camera pictures, with no database or network.

Everything here works on NumPy frames a worker hands in (health checks, motion gate, detectors, tracking,
zones, rules) and returns domain types or plain arrays, so it can run in a worker process, in a test on
real footage, or in a benchmark without the rest of Kuzet.
"""
