"""Evidence exports: what a bundle contains and the manifest that is signed over it.

The manifest lists every file of the bundle with its SHA-256, so that a court, a prosecutor or
``kuzet evidence verify`` can check the clip and the original segments against the signed manifest
without trusting the system that produced them. Its JSON form is canonical (sorted keys, no spaces):
the signature covers exactly those bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kuzet.domain.archive.model import TimeRange

MANIFEST_FORMAT = "kuzet-evidence/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
PUBLIC_KEY_NAME = "public_key.pem"
CLIP_NAME = "clip.mp4"


@dataclass(frozen=True, slots=True)
class BundleFile:
    """A file in the bundle: its name inside the bundle, hash and size; segments also their time."""

    name: str
    sha256: str
    size: int
    start: datetime | None = None
    end: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "sha256": self.sha256, "size": self.size}
        if self.start is not None and self.end is not None:
            body |= {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> BundleFile:
        start, end = body.get("start"), body.get("end")
        return cls(
            name=str(body["name"]),
            sha256=str(body["sha256"]),
            size=int(body["size"]),
            start=datetime.fromisoformat(start) if start else None,
            end=datetime.fromisoformat(end) if end else None,
        )


@dataclass(frozen=True, slots=True)
class EvidenceManifest:
    """Who exported which camera's video of which time range, why, and the hashes of what was exported."""

    export_id: str
    camera_id: str
    range: TimeRange
    case_number: str
    reason: str
    recipient: str
    created_by: str
    created_at: datetime
    clip: BundleFile
    segments: tuple[BundleFile, ...]
    key_fingerprint: str

    @property
    def files(self) -> tuple[BundleFile, ...]:
        return (self.clip, *self.segments)

    def to_json(self) -> bytes:
        body = {
            "format": MANIFEST_FORMAT,
            "export_id": self.export_id,
            "camera_id": self.camera_id,
            "start": self.range.start.isoformat(),
            "end": self.range.end.isoformat(),
            "case_number": self.case_number,
            "reason": self.reason,
            "recipient": self.recipient,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "clip": self.clip.to_json(),
            "segments": [s.to_json() for s in self.segments],
            "signature": {"algorithm": "Ed25519", "key_sha256": self.key_fingerprint},
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> EvidenceManifest:
        """Parse a manifest; raise ValueError naming what is wrong with it."""
        try:
            body = json.loads(data)
            if body.get("format") != MANIFEST_FORMAT:
                raise ValueError(f"unknown manifest format {body.get('format')!r}")
            return cls(
                export_id=body["export_id"],
                camera_id=body["camera_id"],
                range=TimeRange(datetime.fromisoformat(body["start"]), datetime.fromisoformat(body["end"])),
                case_number=body["case_number"],
                reason=body["reason"],
                recipient=body["recipient"],
                created_by=body["created_by"],
                created_at=datetime.fromisoformat(body["created_at"]),
                clip=BundleFile.from_json(body["clip"]),
                segments=tuple(BundleFile.from_json(s) for s in body["segments"]),
                key_fingerprint=body["signature"]["key_sha256"],
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ValueError(f"the manifest is malformed ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True, slots=True)
class EvidenceExport:
    """A stored record of an export: what was asked for and where its bundle lies."""

    id: str
    camera_id: str
    range: TimeRange
    case_number: str
    reason: str
    recipient: str
    created_by: str
    created_at: datetime
    bundle_path: str
    bundle_sha256: str
    clip_sha256: str
    segment_count: int
