"""Errors of the archive use cases, each with a message that says what to fix."""

from __future__ import annotations

from kuzet.errors import KuzetError


class MediaRejectedError(KuzetError):
    """An uploaded file is not video the archive can take (corrupt, not video, unsupported codec)."""


class ArchiveIntegrityError(KuzetError):
    """A segment's bytes no longer match the hash recorded when it was written."""


class ReasonRequiredError(KuzetError):
    """The action needs a stated reason (and it is audited with it)."""


class ArchiveFullError(KuzetError):
    """The archive disk is full: nothing more can be written until space is freed."""


class ArchiveRequestError(KuzetError):
    """A request the archive cannot serve as asked (a range too long, a missing field)."""
