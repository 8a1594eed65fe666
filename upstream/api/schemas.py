"""Request and response shapes, as the OpenAPI document shows them.

Uploads are parsed by hand (upstream.envelope), not by these models: one
malformed record in a batch must get its own ``rejected`` receipt, not fail
the whole request. `EnvelopeIn` documents the shape for clients and for
schemathesis.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from upstream.envelope import DEVICE_ID_PATTERN, KEY_ID_PATTERN, MAX_BATCH_RECORDS
from upstream.store.devices import SITE_ID_PATTERN

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class Problem(BaseModel):
    code: str
    reason: str


class EnvelopeIn(BaseModel):
    """A sealed record (docs/sync-protocol.md, "The envelope")."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1]
    id: str = Field(pattern=UUID_PATTERN)
    device_id: str = Field(pattern=DEVICE_ID_PATTERN)
    device_key_id: str = Field(pattern=KEY_ID_PATTERN)
    upstream_key_id: str = Field(pattern=KEY_ID_PATTERN)
    sealed_at: str = Field(examples=["2026-11-25T10:31:02Z"])
    ciphertext: str = Field(description="base64 of crypto_box_seal(plaintext)")
    signature: str = Field(description="base64 of the Ed25519 signature over signed_bytes")


def envelope_schema() -> dict[str, Any]:
    return EnvelopeIn.model_json_schema()


def batch_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "Batch",
        "required": ["records"],
        "additionalProperties": False,
        "properties": {
            "records": {
                "type": "array",
                "maxItems": MAX_BATCH_RECORDS,
                # Anything is accepted in the batch: a record that is not a
                # valid envelope gets its own "rejected" receipt (malformed).
                "items": {
                    "description": "An envelope; anything else is rejected as malformed",
                    "anyOf": [envelope_schema(), {}],
                },
            }
        },
    }


class ReceiptOut(BaseModel):
    id: str | None
    status: Literal["stored", "duplicate", "rejected"]
    sequence: int | None = None
    code: str | None = None
    reason: str | None = None


class BatchOut(BaseModel):
    receipts: list[ReceiptOut]


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=200, description="v5enrol:1:<device_id>:<base64 public key>")
    site_id: str = Field(pattern=SITE_ID_PATTERN)


class DeviceOut(BaseModel):
    device_id: str
    key_id: str
    public_key: str
    site_id: str
    enrolled_at: datetime
    revoked_at: datetime | None


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


class PublicKeyOut(BaseModel):
    key_id: str
    public_key: str
