"""Errors that carry a message meant for a person: what was wrong and where."""


class KuzetError(Exception):
    """Base for every error Kuzet reports to a user instead of a traceback."""


class ConfigError(KuzetError):
    """A settings value or site file is invalid; the message names every bad key."""


class NotFoundError(KuzetError):
    """A referenced thing (camera, user, district) does not exist."""


class ConflictError(KuzetError):
    """The request clashes with what is stored (a duplicate id, a stale version)."""


class StoreUnavailableError(KuzetError):
    """The database cannot be reached or used."""


class BusUnavailableError(KuzetError):
    """The event bus cannot be reached."""
