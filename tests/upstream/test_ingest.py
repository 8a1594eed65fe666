"""Uploads that go through: stored, duplicate, conflict; PUT and batches (both databases)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.upstream.conftest import counts
from tests.upstream.fake_kiosk import FakeKiosk, new_id, plaintext_for

BATCH = "/api/v1/records:batch"


async def put(client: httpx.AsyncClient, envelope: dict[str, object]) -> httpx.Response:
    return await client.put(f"/api/v1/records/{envelope['id']}", json=envelope)


async def test_put_stores_then_acknowledges_the_same_record_again(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, kiosk: FakeKiosk
) -> None:
    envelope = kiosk.record()
    first = await put(upstream, envelope)
    again = await put(upstream, envelope)

    assert first.status_code == 201
    assert first.json() == {"id": envelope["id"], "status": "stored", "sequence": 1}
    assert again.status_code == 200
    assert again.json() == {"id": envelope["id"], "status": "duplicate", "sequence": 1}
    assert counts(upstream_app)["record"] == 1


async def test_the_same_check_sealed_again_is_a_duplicate(
    upstream: httpx.AsyncClient, kiosk: FakeKiosk
) -> None:
    # Sealing is randomised: a second seal of the same plaintext differs in
    # every byte of ciphertext, yet it is the same record.
    plaintext = plaintext_for(new_id())
    first, second = kiosk.seal(plaintext), kiosk.seal(plaintext, sealed_at="2026-11-26T09:00:00Z")
    assert first["ciphertext"] != second["ciphertext"]

    assert (await put(upstream, first)).status_code == 201
    response = await put(upstream, second)

    assert response.status_code == 200
    assert response.json()["status"] == "duplicate"


async def test_same_id_different_content_is_a_conflict_and_changes_nothing(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, kiosk: FakeKiosk
) -> None:
    record_id = new_id()
    original = kiosk.seal(plaintext_for(record_id))
    replay = kiosk.seal(plaintext_for(record_id, site_id="somewhere-else"))
    await put(upstream, original)
    before = counts(upstream_app)

    response = await put(upstream, replay)

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert counts(upstream_app) == before


async def test_another_device_replaying_a_stored_ciphertext_is_a_conflict(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, kiosk: FakeKiosk, upstream_public_key: bytes
) -> None:
    from tests.upstream.conftest import enrol_kiosk

    other = FakeKiosk(upstream_public_key)
    enrol_kiosk(upstream_app, other)
    envelope = kiosk.record()
    await put(upstream, envelope)
    # The other kiosk cannot read the box, but can re-sign it as its own.
    stolen = other.sign(envelope | {"device_id": other.device_id, "device_key_id": other.key_id})

    response = await put(upstream, stolen)

    assert response.status_code == 409


async def test_a_batch_gets_one_receipt_per_record_in_order(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, kiosk: FakeKiosk, upstream_public_key: bytes
) -> None:
    stored_before = kiosk.record()
    await put(upstream, stored_before)
    conflicting = kiosk.seal(plaintext_for(str(stored_before["id"]), mode="pharmacy"))
    stranger = FakeKiosk(upstream_public_key)  # never enrolled
    forged = kiosk.record()
    forged["signature"] = stranger.sign(forged)["signature"]
    fresh = [kiosk.record(), kiosk.record()]
    unknown = stranger.record()
    records: list[object] = [
        fresh[0],
        stored_before,
        conflicting,
        unknown,
        forged,
        {"v": 1, "device_id": kiosk.device_id},
        "not an object",
        fresh[1],
    ]

    response = await upstream.post(BATCH, json={"records": records})

    assert response.status_code == 200
    receipts = response.json()["receipts"]
    assert [(r["id"], r["status"], r.get("code")) for r in receipts] == [
        (fresh[0]["id"], "stored", None),
        (stored_before["id"], "duplicate", None),
        (stored_before["id"], "rejected", "conflict"),
        (unknown["id"], "rejected", "unknown_device"),
        (forged["id"], "rejected", "bad_signature"),
        (None, "rejected", "malformed"),
        (None, "rejected", "malformed"),
        (fresh[1]["id"], "stored", None),
    ]
    assert receipts[1]["sequence"] == 1
    assert receipts[0]["sequence"] < receipts[7]["sequence"]
    assert all(r["reason"] for r in receipts if r["status"] == "rejected")
    assert counts(upstream_app)["record"] == 3


async def test_the_same_id_twice_in_one_batch_is_stored_once(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, kiosk: FakeKiosk
) -> None:
    envelope = kiosk.record()

    response = await upstream.post(BATCH, json={"records": [envelope, envelope]})

    statuses = [(r["status"], r["sequence"]) for r in response.json()["receipts"]]
    assert statuses == [("stored", 1), ("duplicate", 1)]
    assert counts(upstream_app)["record"] == 1


async def test_an_empty_batch_gets_no_receipts(upstream: httpx.AsyncClient) -> None:
    response = await upstream.post(BATCH, json={"records": []})

    assert response.status_code == 200
    assert response.json() == {"receipts": []}


async def test_a_record_stays_acknowledged_after_its_device_is_revoked_but_resends_are_refused(
    upstream: httpx.AsyncClient, admin_auth: dict[str, str], kiosk: FakeKiosk
) -> None:
    envelope = kiosk.record()
    await put(upstream, envelope)

    revoked = await upstream.post(f"/api/v1/devices/{kiosk.device_id}:revoke", headers=admin_auth)
    resend = await put(upstream, envelope)

    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert resend.status_code == 403
    assert resend.json()["code"] == "revoked_device"


async def test_health(upstream: httpx.AsyncClient) -> None:
    response = await upstream.get("/healthz")

    assert response.json() == {"status": "ok", "keys": 1}
