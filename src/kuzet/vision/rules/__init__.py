"""Offense rules on tracked objects: one module per rule, gathered in ``registry``."""
