"""Exports: tokens and scopes, the audit log, one Bundle, NDJSON paged by sequence."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import Session, col, select

from tests.upstream.conftest import counts, engine, make_token
from tests.upstream.fake_kiosk import FakeKiosk
from upstream.crypto import generate_key
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store.db import utcnow
from upstream.store.tables import AuditEvent
from upstream.store.tokens import revoke_token
from upstream.tokens import Scope

NDJSON = "/api/v1/export.ndjson"


async def _store(client: httpx.AsyncClient, kiosk: FakeKiosk, n: int) -> list[str]:
    envelopes = [kiosk.record() for _ in range(n)]
    response = await client.post("/api/v1/records:batch", json={"records": envelopes})
    assert {r["status"] for r in response.json()["receipts"]} == {"stored"}
    return [str(envelope["id"]) for envelope in envelopes]


def _audit(app: FastAPI) -> list[AuditEvent]:
    with Session(engine(app)) as session:
        return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))


async def test_ndjson_pages_by_sequence_with_the_next_since_in_a_header(
    upstream: httpx.AsyncClient, kiosk: FakeKiosk, export_auth: dict[str, str]
) -> None:
    ids = await _store(upstream, kiosk, 7)
    pages: list[list[str]] = []
    since = 0
    for _ in range(4):
        response = await upstream.get(
            NDJSON, params={"since": since, "limit": 3}, headers=export_auth
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/fhir+ndjson")
        bundles = [Bundle.model_validate_json(line) for line in response.text.splitlines()]
        pages.append([str(bundle.id) for bundle in bundles])
        since = int(response.headers["X-Next-Since"])

    assert pages == [ids[0:3], ids[3:6], ids[6:7], []]
    assert since == 7  # an empty page keeps the position


async def test_one_record_as_a_bundle(
    upstream: httpx.AsyncClient, kiosk: FakeKiosk, export_auth: dict[str, str]
) -> None:
    [record_id] = await _store(upstream, kiosk, 1)

    response = await upstream.get(f"/api/v1/records/{record_id}/fhir", headers=export_auth)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.text)
    assert (bundle.id, bundle.type) == (record_id, "collection")


async def test_an_unknown_record_is_404(
    upstream: httpx.AsyncClient, export_auth: dict[str, str]
) -> None:
    missing = "0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e"

    response = await upstream.get(f"/api/v1/records/{missing}/fhir", headers=export_auth)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_every_export_is_audited_with_who_and_what(
    upstream: httpx.AsyncClient,
    upstream_app: FastAPI,
    kiosk: FakeKiosk,
    export_auth: dict[str, str],
) -> None:
    [record_id] = await _store(upstream, kiosk, 1)
    await upstream.get(f"/api/v1/records/{record_id}/fhir", headers=export_auth)
    await upstream.get(NDJSON, params={"since": 0, "limit": 10}, headers=export_auth)

    one, page = _audit(upstream_app)

    token_id = export_auth["Authorization"].split(".")[1]
    assert one.actor == page.actor == f"token:{token_id} (ICB analyst)"
    assert (one.action, one.target, json.loads(one.detail)) == (
        "export.record",
        record_id,
        {"sequence": 1},
    )
    assert page.action == "export.ndjson"
    assert json.loads(page.detail) == {"since": 0, "limit": 10, "count": 1, "next_since": 1}
    assert one.at <= page.at


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        (None, 401, "unauthorized"),
        ("Basic dXNlcjpwYXNz", 401, "unauthorized"),
        ("Bearer not-a-token", 401, "invalid_token"),
        ("Bearer v5u.0123456789abcdef.wrong-secret", 401, "invalid_token"),
    ],
)
async def test_exports_need_a_valid_bearer_token(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, header: str | None, status: int, code: str
) -> None:
    headers = {"Authorization": header} if header else {}
    before = counts(upstream_app)

    response = await upstream.get(NDJSON, headers=headers)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.headers["www-authenticate"] == "Bearer"
    assert counts(upstream_app) == before  # a refused export is not an export


async def test_a_token_with_the_right_id_and_a_wrong_secret_is_refused(
    upstream: httpx.AsyncClient, export_auth: dict[str, str]
) -> None:
    prefix, token_id, _secret = export_auth["Authorization"].split(".")
    forged = {"Authorization": f"{prefix}.{token_id}.guessed"}

    response = await upstream.get(NDJSON, headers=forged)

    assert response.status_code == 401


async def test_a_revoked_token_stops_working(
    upstream: httpx.AsyncClient, upstream_app: FastAPI, export_auth: dict[str, str]
) -> None:
    assert (await upstream.get(NDJSON, headers=export_auth)).status_code == 200
    with Session(engine(upstream_app)) as session:
        revoke_token(
            session=session, token_id=export_auth["Authorization"].split(".")[1], now=utcnow()
        )
        session.commit()

    response = await upstream.get(NDJSON, headers=export_auth)

    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


async def test_scopes_are_separate_admin_cannot_read_records_export_cannot_manage(
    upstream: httpx.AsyncClient, admin_auth: dict[str, str], export_auth: dict[str, str]
) -> None:
    export_as_admin = await upstream.get(NDJSON, headers=admin_auth)
    devices_as_exporter = await upstream.get("/api/v1/devices", headers=export_auth)
    devices_as_admin = await upstream.get("/api/v1/devices", headers=admin_auth)

    assert (export_as_admin.status_code, export_as_admin.json()["code"]) == (
        403,
        "insufficient_scope",
    )
    assert devices_as_exporter.status_code == 403
    assert devices_as_admin.status_code == 200


async def test_a_token_may_hold_both_scopes(
    upstream: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    both = {"Authorization": f"Bearer {make_token(upstream_app, Scope.EXPORT, Scope.ADMIN)}"}

    assert (await upstream.get(NDJSON, headers=both)).status_code == 200
    assert (await upstream.get("/api/v1/audit", headers=both)).status_code == 200


async def test_a_record_whose_key_was_removed_does_not_stall_the_export(
    upstream: httpx.AsyncClient,
    upstream_settings: UpstreamSettings,
    kiosk: FakeKiosk,
    tmp_path: Path,
) -> None:
    [record_id] = await _store(upstream, kiosk, 1)
    # The same database, served by an instance that holds only a newer key.
    other_keys = tmp_path / "other-keys"
    generate_key(other_keys)
    rotated = create_app(upstream_settings.model_copy(update={"key_dir": other_keys}))
    token = {"Authorization": f"Bearer {make_token(rotated, Scope.EXPORT)}"}
    transport = httpx.ASGITransport(app=rotated)
    async with httpx.AsyncClient(transport=transport, base_url="http://u.test") as client:
        page = await client.get(NDJSON, headers=token)
        one = await client.get(f"/api/v1/records/{record_id}/fhir", headers=token)
    engine(rotated).dispose()

    [line] = page.text.splitlines()
    outcome = json.loads(line)
    assert outcome["resourceType"] == "OperationOutcome"
    assert record_id in outcome["issue"][0]["diagnostics"]
    assert page.headers["X-Next-Since"] == "1"
    assert (one.status_code, one.json()["code"]) == (422, "cannot_export")
