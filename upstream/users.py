"""Report users: e-mail addresses as identities, argon2id hashes of their passwords.

Passwords are chosen by people, so unlike API tokens (256 random bits) they
get argon2-cffi's default profile, RFC 9106's low-memory recommendation
(argon2id, 3 passes, 64 MiB, 4 lanes). An unknown address costs the same
verification as a known one, so timing does not tell which addresses exist.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# NCSC: length beats composition rules; 12 characters is a floor, not a target.
MIN_PASSWORD_LENGTH = 12
# A bound on the work a single sign-in may ask of argon2.
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(32))
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UserError(ValueError):
    """An address or password that cannot be used (the message says why)."""


def normalise_email(text: str) -> str:
    """The stored form of an address: trimmed and lower case; raises `UserError`."""
    email = text.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise UserError(f"{text!r} is not an e-mail address")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True only for a real hash that matches; ``None`` (no such user) costs the same."""
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[:MAX_PASSWORD_LENGTH]
        password_hash = None
    try:
        matched = _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
