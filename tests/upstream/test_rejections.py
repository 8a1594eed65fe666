"""Forged, tampered, replayed, oversized and malformed records: a clear 4xx, nothing changed.

Each case is sent once alone (``PUT``: an HTTP status and ``{"code",
"reason"}``) and once in a batch (``200`` with a ``rejected`` receipt), on
SQLite and on PostgreSQL, and every table's row count must stay the same.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from nacl.signing import SigningKey
from sqlmodel import Session

from tests.upstream.conftest import counts, engine
from tests.upstream.fake_kiosk import FakeKiosk, new_id, other_upstream_public_key, plaintext_for
from upstream.store.db import utcnow
from upstream.store.devices import revoke

BATCH = "/api/v1/records:batch"
Envelope = dict[str, Any]


@dataclass(frozen=True)
class Context:
    app: FastAPI
    kiosk: FakeKiosk
    upstream_public_key: bytes


def _unknown_device(c: Context) -> Envelope:
    return FakeKiosk(c.upstream_public_key).record()


def _revoked_device(c: Context) -> Envelope:
    with Session(engine(c.app)) as session:
        revoke(session=session, device_id=c.kiosk.device_id, now=utcnow())
        session.commit()
    return c.kiosk.record()


def _signed_by_another_key(c: Context) -> Envelope:
    return c.kiosk.sign(c.kiosk.record(), signer=SigningKey.generate())


def _ciphertext_tampered(c: Context) -> Envelope:
    envelope = c.kiosk.record()
    raw = bytearray(base64.b64decode(envelope["ciphertext"]))
    raw[40] ^= 0x01
    return envelope | {"ciphertext": base64.b64encode(bytes(raw)).decode("ascii")}


def _sealed_at_changed(c: Context) -> Envelope:
    return c.kiosk.record() | {"sealed_at": "2026-11-25T10:31:03Z"}


def _device_key_id_changed(c: Context) -> Envelope:
    return c.kiosk.record() | {"device_key_id": "0123456789abcdef"}


def _unknown_upstream_key(c: Context) -> Envelope:
    return c.kiosk.seal(plaintext_for(new_id()), upstream_key_id="00000000deadbeef")


def _sealed_to_another_upstream(c: Context) -> Envelope:
    # Labelled with our key id, sealed to someone else's key, validly signed.
    return c.kiosk.seal(plaintext_for(new_id()), seal_to=other_upstream_public_key())


def _signed_garbage(c: Context) -> Envelope:
    envelope = c.kiosk.record()
    garbage = base64.b64encode(os.urandom(200)).decode("ascii")
    return c.kiosk.sign(envelope | {"ciphertext": garbage})


def _inner_id_differs(c: Context) -> Envelope:
    # A valid box re-wrapped under another id (signed by the enrolled device).
    return c.kiosk.seal(plaintext_for(new_id()), record_id=new_id())


def _plaintext_not_json(c: Context) -> Envelope:
    return c.kiosk.seal(b"\xff not json", record_id=new_id())


def _answers_out_of_range(c: Context) -> Envelope:
    record = plaintext_for(new_id())
    record["answers"]["about"]["age"] = 200
    return c.kiosk.seal(record)


def _result_wrong_schema(c: Context) -> Envelope:
    record = plaintext_for(new_id())
    record["result"]["schema"] = "vital5.score.v0"
    return c.kiosk.seal(record)


def _plaintext_missing_completed_at(c: Context) -> Envelope:
    record = plaintext_for(new_id())
    del record["completed_at"]
    return c.kiosk.seal(record)


def _too_large(c: Context) -> Envelope:
    return c.kiosk.seal(plaintext_for(new_id(), padding="x" * 70_000))


def _missing_signature(c: Context) -> Envelope:
    envelope = c.kiosk.record()
    del envelope["signature"]
    return envelope


def _extra_key(c: Context) -> Envelope:
    return c.kiosk.record() | {"note": "not covered by the signature"}


def _version_2(c: Context) -> Envelope:
    return c.kiosk.record() | {"v": 2}


def _signature_not_base64(c: Context) -> Envelope:
    return c.kiosk.record() | {"signature": "%%%"}


def _upper_case_id(c: Context) -> Envelope:
    record_id = new_id().upper()
    return c.kiosk.seal(plaintext_for(record_id), record_id=record_id)


def _sealed_at_without_zone(c: Context) -> Envelope:
    return c.kiosk.seal(plaintext_for(new_id()), sealed_at="2026-11-25T10:31:02")


CASES: dict[str, tuple[Callable[[Context], Envelope], str, int]] = {
    "unknown device": (_unknown_device, "unknown_device", 403),
    "revoked device": (_revoked_device, "revoked_device", 403),
    "signed by another key": (_signed_by_another_key, "bad_signature", 403),
    "tampered ciphertext": (_ciphertext_tampered, "bad_signature", 403),
    "tampered header": (_sealed_at_changed, "bad_signature", 403),
    "wrong device key id": (_device_key_id_changed, "bad_signature", 403),
    "unknown upstream key": (_unknown_upstream_key, "unknown_upstream_key", 422),
    "sealed to another upstream": (_sealed_to_another_upstream, "cannot_decrypt", 422),
    "signed garbage": (_signed_garbage, "cannot_decrypt", 422),
    "id inside differs": (_inner_id_differs, "id_mismatch", 422),
    "plaintext not JSON": (_plaintext_not_json, "malformed", 400),
    "answers out of range": (_answers_out_of_range, "malformed", 400),
    "result schema": (_result_wrong_schema, "malformed", 400),
    "plaintext key missing": (_plaintext_missing_completed_at, "malformed", 400),
    "oversized": (_too_large, "too_large", 413),
    "missing signature": (_missing_signature, "malformed", 400),
    "extra envelope key": (_extra_key, "malformed", 400),
    "envelope version 2": (_version_2, "malformed", 400),
    "signature not base64": (_signature_not_base64, "malformed", 400),
    "id not canonical": (_upper_case_id, "malformed", 400),
    "sealed_at without zone": (_sealed_at_without_zone, "malformed", 400),
}


@pytest.fixture
def context(upstream_app: FastAPI, kiosk: FakeKiosk, upstream_public_key: bytes) -> Context:
    return Context(upstream_app, kiosk, upstream_public_key)


@pytest.mark.parametrize("case", CASES)
async def test_put_rejects_with_a_code_and_changes_nothing(
    case: str, context: Context, upstream: httpx.AsyncClient
) -> None:
    make, code, status = CASES[case]
    envelope = make(context)
    before = counts(context.app)

    response = await upstream.put(f"/api/v1/records/{envelope['id']}", json=envelope)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["reason"]
    assert counts(context.app) == before


@pytest.mark.parametrize("case", CASES)
async def test_batch_rejects_just_that_record(
    case: str, context: Context, upstream: httpx.AsyncClient
) -> None:
    make, code, _status = CASES[case]
    bad, good = make(context), context.kiosk.record()
    before = counts(context.app)

    response = await upstream.post(BATCH, json={"records": [bad, good]})

    assert response.status_code == 200
    rejected, stored = response.json()["receipts"]
    assert (rejected["status"], rejected["code"]) == ("rejected", code)
    expected_stored = "rejected" if case == "revoked device" else "stored"
    assert stored["status"] == expected_stored
    after = counts(context.app)
    assert after["record"] == before["record"] + (expected_stored == "stored")
    assert {k: v for k, v in after.items() if k != "record"} == {
        k: v for k, v in before.items() if k != "record"
    }


async def test_put_with_another_id_in_the_url_is_an_id_mismatch(
    context: Context, upstream: httpx.AsyncClient
) -> None:
    envelope = context.kiosk.record()

    response = await upstream.put(f"/api/v1/records/{new_id()}", json=envelope)

    assert (response.status_code, response.json()["code"]) == (422, "id_mismatch")
    assert counts(context.app)["record"] == 0


async def _chunks(size: int) -> AsyncIterator[bytes]:
    yield b'{"records": ["'
    for _ in range(size // 65536 + 1):
        yield b"x" * 65536
    yield b'"]}'


WHOLE_REQUEST: dict[str, tuple[dict[str, Any], int, str]] = {
    "not JSON": ({"content": b"{not json"}, 400, "malformed"),
    "NaN": ({"content": b'{"records": [NaN]}'}, 400, "malformed"),
    "a list": ({"json": []}, 400, "malformed"),
    "records not a list": ({"json": {"records": {}}}, 400, "malformed"),
    "extra key": ({"json": {"records": [], "more": 1}}, 400, "malformed"),
    "101 records": ({"json": {"records": [{}] * 101}}, 413, "too_large"),
    "over 4 MiB": ({"content": b" " * (4 * 1024 * 1024 + 1)}, 413, "too_large"),
    # No Content-Length: the limit is counted as the body arrives.
    "over 4 MiB, streamed": ({"content": "stream"}, 413, "too_large"),
    "deeply nested": ({"content": b"[" * 100_000 + b"]" * 100_000}, 400, "malformed"),
}


@pytest.mark.parametrize("case", WHOLE_REQUEST)
async def test_a_bad_batch_is_refused_whole(
    case: str, context: Context, upstream: httpx.AsyncClient
) -> None:
    request, status, code = WHOLE_REQUEST[case]
    if request.get("content") == "stream":
        request = {"content": _chunks(4 * 1024 * 1024)}
    before = counts(context.app)

    response = await upstream.post(BATCH, **request)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert counts(context.app) == before


async def test_an_oversized_put_body_is_413(context: Context, upstream: httpx.AsyncClient) -> None:
    envelope = context.kiosk.record()
    body = json.dumps(envelope | {"padding": "x" * 70_000})

    response = await upstream.put(f"/api/v1/records/{envelope['id']}", content=body)

    assert (response.status_code, response.json()["code"]) == (413, "too_large")
