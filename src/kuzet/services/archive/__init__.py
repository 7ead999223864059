"""Use cases of the archive: indexing, playback, retention, verification, holds, uploads, evidence."""
