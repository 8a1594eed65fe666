"""Enrolment codes printed by ``vital5 enroll`` on a kiosk: ``v5enrol:1:<device_id>:<key>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from upstream import crypto
from upstream.envelope import DEVICE_ID_PATTERN

PREFIX = "v5enrol"
_DEVICE_ID = re.compile(DEVICE_ID_PATTERN)


class EnrolmentCodeError(ValueError):
    """The text is not a v1 enrolment code."""


@dataclass(frozen=True, slots=True)
class EnrolmentCode:
    device_id: str
    public_key: str  # base64 of the raw Ed25519 public key
    key_id: str


def parse_enrolment_code(text: str) -> EnrolmentCode:
    parts = text.strip().split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise EnrolmentCodeError("expected v5enrol:1:<device_id>:<base64 public key>")
    _, version, device_id, public_key = parts
    if version != "1":
        raise EnrolmentCodeError(f"unsupported enrolment code version {version!r}")
    if not _DEVICE_ID.fullmatch(device_id):
        raise EnrolmentCodeError(f"device id {device_id!r} does not match {DEVICE_ID_PATTERN}")
    try:
        raw = crypto.parse_signing_key(public_key)
    except ValueError as error:
        raise EnrolmentCodeError(str(error)) from error
    return EnrolmentCode(device_id=device_id, public_key=public_key, key_id=crypto.key_id(raw))
