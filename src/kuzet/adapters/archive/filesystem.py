"""The archive as a local (or NAS-mounted) folder: ``<root>/<camera>/<YYYY-MM-DD>/<HH-MM-SS.mmm>.ts``.

A segment is written as ``.part`` and renamed when finished, so a file with the final name is always
complete. Its SHA-256 is taken from the bytes as they are written (only what the OS accepted), never by
reading the file back. Folders the archive keeps for itself start with ``_``, which a camera id cannot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from kuzet.domain.cameras.model import validate_camera_id

EVIDENCE_FOLDER = "_evidence"
SNAPSHOTS_FOLDER = "_snapshots"
KEYS_FOLDER = "_keys"
SCRATCH_FOLDER = "_scratch"
SEGMENT_SUFFIX = ".ts"
PART_SUFFIX = ".part"


class HashingSegmentFile:
    """An unbuffered segment file that hashes what it writes.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> f = HashingSegmentFile(folder, "a.ts"); f.write(b"abc"); f.commit()
    3
    >>> f.sha256 == hashlib.sha256(b"abc").hexdigest(), (folder / "a.ts").read_bytes()
    (True, b'abc')
    """

    def __init__(self, root: Path, path: str) -> None:
        self._final = root / path
        self._part = self._final.with_name(self._final.name + PART_SUFFIX)
        self._final.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open(self._part, "xb", buffering=0)  # noqa: SIM115 - closed by commit/discard
        self._hash = hashlib.sha256()
        self._size = 0
        self.path = path

    @property
    def size(self) -> int:
        return self._size

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            written = self._raw.write(view) or 0  # a short write is retried; ENOSPC raises OSError
            self._hash.update(view[:written])
            self._size += written
            view = view[written:]
        return len(data)

    def commit(self) -> None:
        try:
            os.fsync(self._raw.fileno())
        finally:
            self._raw.close()
        os.replace(self._part, self._final)

    def discard(self) -> None:
        self._raw.close()
        self._part.unlink(missing_ok=True)


def segment_name(start: datetime) -> tuple[str, str]:
    """The day folder and file stem of a segment starting at ``start`` (UTC)."""
    start = start.astimezone(UTC)
    return start.strftime("%Y-%m-%d"), start.strftime("%H-%M-%S.") + f"{start.microsecond // 1000:03d}"


class FilesystemArchive:
    """Segment files, evidence bundles and keys under one root folder (created on first write)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def create_segment(self, camera_id: str, start: datetime) -> HashingSegmentFile:
        day, stem = segment_name(start)
        folder = f"{validate_camera_id(camera_id)}/{day}"
        for attempt in range(1000):
            name = f"{stem}{SEGMENT_SUFFIX}" if attempt == 0 else f"{stem}-{attempt}{SEGMENT_SUFFIX}"
            path = f"{folder}/{name}"
            final = self.root / path
            if not final.exists() and not final.with_name(name + PART_SUFFIX).exists():
                try:
                    return HashingSegmentFile(self.root, path)
                except FileExistsError:  # another writer took the name between the check and the open
                    continue
        raise FileExistsError(f"no free segment name for {camera_id} at {start.isoformat()}")

    def locate(self, path: str) -> Path:
        local = (self.root / path).resolve()
        if not local.is_relative_to(self.root.resolve()):
            raise ValueError(f"{path!r} lies outside the archive")
        return local

    def delete(self, path: str) -> bool:
        local = self.locate(path)
        try:
            local.unlink()
        except FileNotFoundError:
            return False
        return True

    def free_bytes(self) -> int:
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free

    def evidence_target(self, export_id: str, created_at: datetime) -> str:
        return f"{EVIDENCE_FOLDER}/{created_at.astimezone(UTC):%Y-%m-%d}/{export_id}.zip"

    def save_snapshot(self, camera_id: str, at: datetime, name: str, jpeg: bytes) -> str:
        """Store an analytics snapshot; its relative path (``_snapshots/<camera>/<day>/<name>.jpg``).

        Written to a temporary name and renamed, so a reader never sees half a picture.
        """
        if not name.replace("-", "").isalnum():
            raise ValueError(f"snapshot name {name!r}: letters, digits and dashes only")
        path = f"{SNAPSHOTS_FOLDER}/{validate_camera_id(camera_id)}/{at.astimezone(UTC):%Y-%m-%d}/{name}.jpg"
        final = self.root / path
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + PART_SUFFIX)
        part.write_bytes(jpeg)
        os.replace(part, final)
        return path

    def snapshot_days(self) -> dict[str, list[date]]:
        """Each camera's days that hold analytics snapshots (folders not named as days are skipped)."""
        days: dict[str, list[date]] = {}
        root = self.root / SNAPSHOTS_FOLDER
        for camera in sorted(root.iterdir()) if root.is_dir() else []:
            for folder in sorted(camera.iterdir()) if camera.is_dir() else []:
                try:
                    days.setdefault(camera.name, []).append(date.fromisoformat(folder.name))
                except ValueError:
                    continue
        return days

    def delete_snapshot_day(self, camera_id: str, day: date) -> int:
        """Remove one camera's snapshots of one day; how many files went."""
        folder = self.root / SNAPSHOTS_FOLDER / validate_camera_id(camera_id) / day.isoformat()
        files = [f for f in folder.iterdir() if f.is_file()] if folder.is_dir() else []
        shutil.rmtree(folder, ignore_errors=True)
        return len(files)

    def scratch(self) -> Path:
        """A folder on the archive's disk for files that are built and then moved in (clips, uploads)."""
        folder = self.root / SCRATCH_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def default_key_file(self) -> Path:
        return self.root / KEYS_FOLDER / "evidence-ed25519.pem"
