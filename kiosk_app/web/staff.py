"""Staff sign-in for the kiosk's ``/admin`` pages: one passcode per device.

The staff pages show device status, the upload queue and translation
status: no resident's data, but nothing a resident at a library kiosk or a
passer-by at a tablet should reach either. A pharmacist or outreach lead
sets the device's passcode with ``vital5 staff set-passcode``; only its
argon2id hash is kept, in a file beside the device keys (not in the
database), readable by the kiosk's user only.

A staff session is a random token in a cookie scoped to ``/admin``, held
in this process's memory (like a resident's session) and forgotten after
``staff_idle_s`` without a request, on sign-out, or at restart. After
``MAX_FAILURES`` wrong passcodes in a row the sign-in waits
``LOCKOUT_S``, so a passcode cannot be guessed at touch-screen speed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk_app.sync.crypto import ensure_private_dir, write_private_file

PASSCODE_FILE = "staff-passcode.argon2"
MIN_PASSCODE_LENGTH = 8
# A bound on the work one sign-in may ask of argon2.
MAX_PASSCODE_LENGTH = 256
MAX_FAILURES = 5
LOCKOUT_S = 300.0
STAFF_COOKIE = "v5staff"

_HASHER = PasswordHasher()


class PasscodeError(ValueError):
    """A passcode that cannot be used, or a passcode file that is not safe."""


def check_passcode(passcode: str) -> None:
    if len(passcode) < MIN_PASSCODE_LENGTH:
        raise PasscodeError(f"a passcode needs at least {MIN_PASSCODE_LENGTH} characters")
    if len(passcode) > MAX_PASSCODE_LENGTH:
        raise PasscodeError(f"a passcode has at most {MAX_PASSCODE_LENGTH} characters")


def write_passcode(keys_dir: Path, passcode: str) -> Path:
    """Keep the argon2id hash of ``passcode`` (replacing any); returns the file."""
    check_passcode(passcode)
    # The same way as the device key: a 0700 folder, an atomic 0600 file.
    ensure_private_dir(keys_dir)
    path = keys_dir / PASSCODE_FILE
    write_private_file(path, (_HASHER.hash(passcode) + "\n").encode("ascii"))
    return path


def read_passcode_hash(keys_dir: Path) -> str | None:
    """The stored hash; None when no passcode is set. ``PasscodeError`` if unsafe."""
    path = keys_dir / PASSCODE_FILE
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & 0o077:
        raise PasscodeError(f"{path} can be read by others: chmod 600 it, or set it again")
    text = path.read_text(encoding="ascii").strip()
    if not text.startswith("$argon2"):
        raise PasscodeError(f"{path} is not an argon2 hash: set the passcode again")
    return text


def verify_passcode(passcode_hash: str, passcode: str) -> bool:
    if len(passcode) > MAX_PASSCODE_LENGTH:
        return False
    try:
        return _HASHER.verify(passcode_hash, passcode)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(slots=True)
class StaffSessions:
    """Signed-in staff tokens and the wrong-passcode count, in memory."""

    idle_s: float
    clock: Callable[[], float]
    _last_seen: dict[str, float] = field(default_factory=dict)
    _failures: int = 0
    _locked_until: float = 0.0

    def locked_for(self) -> float:
        """Seconds before another sign-in may be tried (0: now)."""
        return max(0.0, self._locked_until - self.clock())

    def failed(self) -> None:
        self._failures += 1
        if self._failures >= MAX_FAILURES:
            self._failures = 0
            self._locked_until = self.clock() + LOCKOUT_S

    def sign_in(self) -> str:
        self._failures = 0
        self._sweep()
        token = secrets.token_urlsafe(32)
        self._last_seen[token] = self.clock()
        return token

    def touch(self, token: str | None) -> bool:
        """True (and the idle time starts again) for a live token."""
        self._sweep()
        if token is None or token not in self._last_seen:
            return False
        self._last_seen[token] = self.clock()
        return True

    def sign_out(self, token: str | None) -> None:
        if token is not None:
            self._last_seen.pop(token, None)

    def __len__(self) -> int:
        self._sweep()
        return len(self._last_seen)

    def _sweep(self) -> None:
        now = self.clock()
        for token, seen in list(self._last_seen.items()):
            if now - seen >= self.idle_s:
                del self._last_seen[token]
