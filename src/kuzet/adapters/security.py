"""Password hashing (argon2id) and signed, short-lived access tokens (JWT, HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kuzet.domain.users.model import Role


class Argon2Passwords:
    """``hash``/``verify`` with argon2id; ``needs_rehash`` when parameters were raised since."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    username: str
    role: Role
    tenant_id: str | None
    expires_at: datetime


class InvalidTokenError(Exception):
    pass


class TokenIssuer:
    def __init__(self, secret_key: str, lifetime: timedelta) -> None:
        self._key = secret_key
        self._lifetime = lifetime

    @property
    def lifetime(self) -> timedelta:
        return self._lifetime

    def issue(self, username: str, role: Role, tenant_id: str | None) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": username,
            "role": role.value,
            "tenant": tenant_id,
            "iat": now,
            "exp": now + self._lifetime,
            "jti": str(uuid4()),
            "iss": "kuzet",
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def read(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                issuer="kuzet",
                options={"require": ["sub", "role", "exp", "iat", "iss"]},
            )
            return TokenClaims(
                username=str(claims["sub"]),
                role=Role(claims["role"]),
                tenant_id=claims.get("tenant"),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidTokenError(str(exc)) from None
