"""A kiosk as the tests need it: builds envelopes with nacl, straight from the doc.

Deliberately written from docs/sync-protocol.md alone (not from the kiosk's
code or the upstream's), so it checks the upstream against the contract. It
can also break the contract on purpose: tamper, mis-sign, mis-label.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.encoding import HexEncoder
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey

from kiosk_app.domain.codec import answers_from_json, result_to_json
from kiosk_app.domain.vital5 import score_check

DOCS = Path(__file__).resolve().parents[2] / "docs"


def key_id(public_key: bytes) -> str:
    """docs/sync-protocol.md: first 16 hex chars of BLAKE2b-256 of the raw public key."""
    return blake2b(public_key, digest_size=32, encoder=HexEncoder).decode("ascii")[:16]


def example_answers() -> dict[str, Any]:
    """The worked example in docs/score-json.md, plus a cuff's provenance on reading 2."""
    text = (DOCS / "score-json.md").read_text(encoding="utf-8")
    block = text.split("## Example input", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    answers: dict[str, Any] = json.loads(block)
    answers["bp_readings"][1]["provenance"] = {
        "device_model": "Omron HEM-7361T",
        "device_id": "omron-7361-00123",
        "firmware": "1.4",
        "device_time": "2026-11-25T10:29:40",
        "raw_frame_hex": None,
        "status_bits": 0,
    }
    answers["bp_readings"][1]["source"] = "omron-7361-00123"
    return answers


def plaintext_for(
    record_id: str, answers: dict[str, Any] | None = None, **overrides: Any
) -> dict[str, Any]:
    answers = example_answers() if answers is None else answers
    body: dict[str, Any] = {
        "id": record_id,
        "completed_at": "2026-11-25T10:31:00Z",
        "site_id": "southwark-library-1",
        "mode": "kiosk",
        "form_id": "vital5",
        "form_version": 1,
        "answers": answers,
        "result": result_to_json(score_check(answers_from_json(answers))),
    }
    body.update(overrides)
    return body


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class FakeKiosk:
    upstream_public_key: bytes
    signing_key: SigningKey = field(default_factory=SigningKey.generate)
    device_id: str = ""

    def __post_init__(self) -> None:
        if not self.device_id:
            self.device_id = f"kiosk-{self.key_id}"

    @property
    def key_id(self) -> str:
        return key_id(bytes(self.signing_key.verify_key))

    @property
    def enrolment_code(self) -> str:
        public = base64.b64encode(bytes(self.signing_key.verify_key)).decode("ascii")
        return f"v5enrol:1:{self.device_id}:{public}"

    def seal(
        self,
        plaintext: dict[str, Any] | bytes,
        *,
        record_id: str | None = None,
        seal_to: bytes | None = None,
        upstream_key_id: str | None = None,
        sealed_at: str = "2026-11-25T10:31:02Z",
        signer: SigningKey | None = None,
    ) -> dict[str, Any]:
        """An envelope exactly as docs/sync-protocol.md describes it."""
        if isinstance(plaintext, dict):
            record_id = record_id or plaintext["id"]
            plaintext = json.dumps(plaintext).encode("utf-8")
        assert record_id is not None
        recipient = seal_to or self.upstream_public_key
        ciphertext = SealedBox(PublicKey(recipient)).encrypt(plaintext)
        upstream_key_id = upstream_key_id or key_id(self.upstream_public_key)
        return self.sign(
            {
                "v": 1,
                "id": record_id,
                "device_id": self.device_id,
                "device_key_id": self.key_id,
                "upstream_key_id": upstream_key_id,
                "sealed_at": sealed_at,
                "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
                "signature": "",
            },
            signer=signer,
        )

    def sign(self, envelope: dict[str, Any], signer: SigningKey | None = None) -> dict[str, Any]:
        """(Re-)sign an envelope, e.g. after changing it on purpose."""
        signed = (
            b"vital5-record-v1\n"
            + "\n".join(
                (
                    envelope["id"],
                    envelope["device_id"],
                    envelope["upstream_key_id"],
                    envelope["sealed_at"],
                )
            ).encode("utf-8")
            + b"\n"
            + base64.b64decode(envelope["ciphertext"])
        )
        signature = (signer or self.signing_key).sign(signed).signature
        return envelope | {"signature": base64.b64encode(signature).decode("ascii")}

    def record(self, **overrides: Any) -> dict[str, Any]:
        """A fresh, valid envelope for the example check."""
        return self.seal(plaintext_for(new_id(), **overrides))


def other_upstream_public_key() -> bytes:
    return bytes(PrivateKey.generate().public_key)
