"""Ed25519 keys that sign evidence manifests.

The center's private key stays under the archive (``_keys/evidence-ed25519.pem``, mode 0600, made on
first use); every bundle carries the public key, and its SHA-256 fingerprint is in the signed manifest,
so a recipient can check a bundle against the fingerprint the center publishes.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from kuzet.errors import ConfigError


def fingerprint(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key (PEM); ValueError when it is anything else."""
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signature_valid(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _create(key_file: Path) -> None:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first; use theirs
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


class Ed25519Signer:
    """The ``EvidenceSigner`` port. The key is read (or made) when first needed, not at start-up."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file

    @cached_property
    def _key(self) -> Ed25519PrivateKey:
        if not self.key_file.exists():
            _create(self.key_file)
        try:
            key = load_pem_private_key(self.key_file.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"evidence signing key {self.key_file}: unreadable ({exc})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError(f"evidence signing key {self.key_file}: not an Ed25519 private key")
        return key

    @property
    def fingerprint(self) -> str:
        return fingerprint(self._key.public_key())

    def public_key_pem(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)
