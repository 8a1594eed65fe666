"""The sealed-record envelope (docs/sync-protocol.md), parsed strictly. Pure: no I/O.

A v1 envelope has exactly the eight documented keys. Anything else is
``malformed``: the signature does not cover extra keys, so accepting them
would store data nobody vouched for.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

MAX_ENVELOPE_BYTES: Final = 64 * 1024
MAX_BATCH_RECORDS: Final = 100
MAX_BATCH_BYTES: Final = 4 * 1024 * 1024
SIGNED_PREFIX: Final = b"vital5-record-v1\n"

_KEYS: Final = frozenset(
    {"v", "id", "device_id", "device_key_id", "upstream_key_id", "sealed_at"}
    | {"ciphertext", "signature"}
)
DEVICE_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
KEY_ID_PATTERN: Final = r"^[0-9a-f]{16}$"
_DEVICE_ID = re.compile(DEVICE_ID_PATTERN)
_KEY_ID = re.compile(KEY_ID_PATTERN)


class RejectCode(StrEnum):
    """Why a record is refused for good (the kiosk never retries it)."""

    UNKNOWN_DEVICE = "unknown_device"
    REVOKED_DEVICE = "revoked_device"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_UPSTREAM_KEY = "unknown_upstream_key"
    CANNOT_DECRYPT = "cannot_decrypt"
    ID_MISMATCH = "id_mismatch"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    MALFORMED = "malformed"


class RejectedError(Exception):
    """A record refused with a code from the protocol and a reason for staff."""

    def __init__(self, code: RejectCode, reason: str) -> None:
        super().__init__(f"{code.value}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Envelope:
    id: str
    device_id: str
    device_key_id: str
    upstream_key_id: str
    sealed_at: str
    ciphertext: bytes
    signature: bytes

    def signed_bytes(self) -> bytes:
        """What the device signed: the version prefix, four header lines, raw ciphertext."""
        header = "\n".join((self.id, self.device_id, self.upstream_key_id, self.sealed_at))
        return SIGNED_PREFIX + header.encode("utf-8") + b"\n" + self.ciphertext


def encoded_size(value: object) -> int:
    """Bytes of ``value`` as compact JSON: how big one record in a batch is."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def claimed_id(value: object) -> str | None:
    """The id a record claims, for its receipt, even when the rest is malformed."""
    if isinstance(value, dict):
        found = value.get("id")
        if isinstance(found, str) and len(found) <= 64:
            return found
    return None


def parse_envelope(value: object, size: int) -> Envelope:
    """A checked `Envelope`; raises `RejectedError` (``too_large`` or ``malformed``)."""
    if size > MAX_ENVELOPE_BYTES:
        raise RejectedError(RejectCode.TOO_LARGE, f"{size} bytes; at most {MAX_ENVELOPE_BYTES}")
    if not isinstance(value, dict):
        raise _malformed("the envelope is not a JSON object")
    missing, extra = sorted(_KEYS - value.keys()), sorted(value.keys() - _KEYS)
    if missing or extra:
        raise _malformed(f"missing keys {missing}, unknown keys {extra}")
    if type(value["v"]) is not int or value["v"] != 1:
        raise _malformed("unsupported envelope version (v must be 1)")
    record_id = _text(value, "id")
    if not _is_canonical_uuid(record_id):
        raise _malformed("id: not a lower-case hyphenated UUID")
    device_id = _matching(value, "device_id", _DEVICE_ID)
    sealed_at = _text(value, "sealed_at")
    _check_timestamp(sealed_at)
    return Envelope(
        id=record_id,
        device_id=device_id,
        device_key_id=_matching(value, "device_key_id", _KEY_ID),
        upstream_key_id=_matching(value, "upstream_key_id", _KEY_ID),
        sealed_at=sealed_at,
        ciphertext=_base64(value, "ciphertext"),
        signature=_base64(value, "signature"),
    )


def _malformed(reason: str) -> RejectedError:
    return RejectedError(RejectCode.MALFORMED, reason)


def _text(value: dict[str, object], key: str) -> str:
    found = value[key]
    if not isinstance(found, str):
        raise _malformed(f"{key}: expected a string")
    return found


def _matching(value: dict[str, object], key: str, pattern: re.Pattern[str]) -> str:
    found = _text(value, key)
    if not pattern.fullmatch(found):
        raise _malformed(f"{key}: does not match {pattern.pattern}")
    return found


def _base64(value: dict[str, object], key: str) -> bytes:
    try:
        return base64.b64decode(_text(value, key), validate=True)
    except (binascii.Error, ValueError) as error:
        raise _malformed(f"{key}: not base64") from error


def _is_canonical_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _check_timestamp(text: str) -> None:
    # Signed as sent, so stored as sent; it only has to be a real UTC instant.
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise _malformed("sealed_at: not an ISO 8601 timestamp") from error
    if len(text) > 40 or parsed.tzinfo is None:
        raise _malformed("sealed_at: needs a time zone, e.g. 2026-11-25T10:31:02Z")
