"""A simulated city: roads, districts, tenants, cameras and patrol units.

The demo, the tests and the load and accuracy runs need a city that looks like a real one (Almaty's
districts, a street grid with avenues and one-way lanes, hundreds of cameras of every kind) without any
real data. Everything here is generated from a seed, so the same seed always gives the same city.
"""
