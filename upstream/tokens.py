"""API tokens for exports and administration: ``v5u.<token id>.<secret>``.

Only an argon2id hash of the secret is stored. The token id in clear text
finds the row without trying every hash; an unknown id still costs one
argon2 verification, so timing does not tell which ids exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PREFIX = "v5u"
# OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane), not the heavier
# RFC 9106 profile: the secrets are 256 random bits, so no cost setting makes
# guessing feasible, while every request, forged ones included, pays it.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the token id is unknown (constant work either way).
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(32))


class Scope(StrEnum):
    """What a token may do. Admin does not imply export: managing devices is not reading data."""

    EXPORT = "export"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class NewToken:
    token_id: str
    secret_hash: str
    text: str  # shown once, never stored


@dataclass(frozen=True, slots=True)
class PresentedToken:
    token_id: str
    secret: str


def new_token() -> NewToken:
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewToken(token_id, _HASHER.hash(secret), f"{PREFIX}.{token_id}.{secret}")


def parse_token(text: str) -> PresentedToken | None:
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return PresentedToken(parts[1], parts[2])


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    try:
        return _HASHER.verify(secret_hash or _DUMMY_HASH, secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def parse_scopes(text: str) -> frozenset[Scope]:
    return frozenset(Scope(scope) for scope in text.split())
