"""The kiosk's own sync code against the upstream: the contract, end to end.

Everything else here builds envelopes from docs/sync-protocol.md directly
(fake_kiosk.py). This test uses the kiosk side's real sealing, plaintext and
HTTP client (kiosk_app/sync), so the two halves, written separately from the
same document, are checked against each other.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlmodel import Session

from kiosk_app.store.ids import uuid7
from kiosk_app.store.tables import CheckMeta
from kiosk_app.sync import client as kiosk_client
from kiosk_app.sync.crypto import ensure_device_key, make_sealer
from kiosk_app.sync.enrolment import enrolment_code
from kiosk_app.sync.outbox_store import check_plaintext
from tests.upstream.conftest import counts, engine
from tests.upstream.fake_kiosk import example_answers, plaintext_for
from upstream.enrolment import parse_enrolment_code
from upstream.store.db import utcnow
from upstream.store.devices import enrol


async def test_the_kiosks_sync_code_talks_to_the_upstream(
    upstream_app: FastAPI,
    upstream_public_key: bytes,
    tmp_path: Path,
    export_auth: dict[str, str],
) -> None:
    keys_dir = tmp_path / "kiosk-keys"
    identity = ensure_device_key(keys_dir)
    code = enrolment_code(identity.device_id, identity.public_key)
    with Session(engine(upstream_app)) as session:
        enrol(session=session, code=parse_enrolment_code(code), site_id="lambeth-1", now=utcnow())
        session.commit()
    sealer = make_sealer(keys_dir, base64.b64encode(upstream_public_key).decode("ascii"))
    completed_at = datetime(2026, 11, 25, 10, 31, tzinfo=UTC)
    example = plaintext_for("unused", answers=example_answers())
    envelopes = []
    for _ in range(3):
        record_id = str(uuid7(int(completed_at.timestamp() * 1000)))
        plaintext = check_plaintext(
            record_id=record_id,
            completed_at=completed_at,
            meta=CheckMeta(site_id="lambeth-1", mode="kiosk", form_id="vital5", form_version=1),
            answers_json=json.dumps(example["answers"]),
            result_json=json.dumps(example["result"]),
        )
        envelopes.append((record_id, sealer.seal(record_id, plaintext, completed_at)))

    transport = httpx.ASGITransport(app=upstream_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://upstream.test") as client:
        first = await kiosk_client.push(client, [text for _, text in envelopes[:2]])
        resent = await kiosk_client.push(client, [text for _, text in envelopes[:2]])
        one = await kiosk_client.put_one(client, *envelopes[2])
        again = await kiosk_client.put_one(client, *envelopes[2])
        page = await client.get("/api/v1/export.ndjson", headers=export_auth)

    assert [r.status for r in first] == ["stored", "stored"]
    assert [r.status for r in resent] == ["duplicate", "duplicate"]
    assert [r.sequence for r in resent] == [r.sequence for r in first]
    assert (one.status, again.status, again.sequence) == ("stored", "duplicate", one.sequence)
    assert counts(upstream_app)["record"] == 3
    assert [json.loads(line)["id"] for line in page.text.splitlines()] == [
        record_id for record_id, _ in envelopes
    ]
