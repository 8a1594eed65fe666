"""Ingest: check every submitted envelope, then store the good ones in one transaction.

The checks run in the order of docs/sync-protocol.md's rejection codes and
stop at the first failure: size and shape, the device (known, not revoked),
its signature (the signature *is* the authentication), the upstream key,
the authenticated decryption, and finally the id inside. Nothing touches the
database until a record has passed them all, so a rejected record changes
nothing. Sequence numbers come from the database, never from this process.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from upstream import crypto
from upstream.envelope import Envelope, RejectCode, RejectedError, claimed_id, parse_envelope
from upstream.plaintext import canonical_json, parse_plaintext
from upstream.receipts import Receipt
from upstream.store import devices, records
from upstream.store.records import Verified
from upstream.store.tables import Device, Record


@dataclass(frozen=True, slots=True)
class Submitted:
    """One record as it arrived: parsed JSON and its size in bytes."""

    value: object
    size: int


class Ingest:
    def __init__(
        self, engine: Engine, keyring: crypto.KeyRing, clock: Callable[[], datetime]
    ) -> None:
        self._engine = engine
        self._keyring = keyring
        self._clock = clock

    def submit(self, submitted: Sequence[Submitted]) -> list[Receipt]:
        """One receipt per record, in the order they were sent."""
        receipts: list[Receipt | None] = [None] * len(submitted)
        envelopes: list[tuple[int, Envelope]] = []
        for index, item in enumerate(submitted):
            try:
                envelopes.append((index, parse_envelope(item.value, item.size)))
            except RejectedError as rejection:
                receipts[index] = Receipt.rejected(claimed_id(item.value), rejection)
        with Session(self._engine) as session:
            known = devices.find_devices(
                session=session, device_ids=(envelope.device_id for _, envelope in envelopes)
            )
        verified: list[tuple[int, Verified]] = []
        for index, envelope in envelopes:
            try:
                verified.append((index, self._verify(envelope, known.get(envelope.device_id))))
            except RejectedError as rejection:
                receipts[index] = Receipt.rejected(envelope.id, rejection)
        if verified:
            with Session(self._engine) as session:
                stored = records.store_verified(
                    session=session,
                    records=[record for _, record in verified],
                    same_content=self._same_content,
                    now=self._clock(),
                )
            for (index, _), receipt in zip(verified, stored, strict=True):
                receipts[index] = receipt
        assert all(receipt is not None for receipt in receipts)
        return [receipt for receipt in receipts if receipt is not None]

    def _verify(self, envelope: Envelope, device: Device | None) -> Verified:
        if device is None:
            raise RejectedError(RejectCode.UNKNOWN_DEVICE, f"{envelope.device_id} is not enrolled")
        if device.revoked_at is not None:
            raise RejectedError(RejectCode.REVOKED_DEVICE, f"{envelope.device_id} has been revoked")
        if envelope.device_key_id != device.key_id:
            raise RejectedError(
                RejectCode.BAD_SIGNATURE,
                f"signed with key {envelope.device_key_id}; "
                f"the device enrolled with key {device.key_id}",
            )
        signed = envelope.signed_bytes()
        public_key = base64.b64decode(device.public_key)
        if not crypto.verify_signature(public_key, signed, envelope.signature):
            raise RejectedError(RejectCode.BAD_SIGNATURE, "the signature does not match")
        try:
            plaintext = self._keyring.open(envelope.upstream_key_id, envelope.ciphertext)
        except crypto.UnknownKeyError as error:
            raise RejectedError(
                RejectCode.UNKNOWN_UPSTREAM_KEY,
                f"no private key {envelope.upstream_key_id} is held here; enrol again",
            ) from error
        except crypto.DecryptError as error:
            reason = "the sealed box does not open"
            raise RejectedError(RejectCode.CANNOT_DECRYPT, reason) from error
        parse_plaintext(plaintext, envelope.id)
        return Verified(
            envelope=envelope,
            site_id=device.site_id,
            envelope_sha256=hashlib.sha256(signed).hexdigest(),
            canonical_plaintext=canonical_json(plaintext),
        )

    def _same_content(self, row: Record, record: Verified) -> bool:
        """Same device and the same plaintext, even if it was sealed again."""
        if row.device_id != record.envelope.device_id:
            return False
        if row.envelope_sha256 == record.envelope_sha256:
            return True
        # Sealing is randomised: compare what is inside, never a stored hash of
        # it (a plain hash of low-entropy answers could be guessed offline).
        try:
            stored = self._keyring.open(row.upstream_key_id, row.ciphertext)
        except (crypto.UnknownKeyError, crypto.DecryptError):
            return False
        return canonical_json(stored) == record.canonical_plaintext
