"""Pure domain model: dataclasses, value objects and rules with no I/O and no framework imports."""
