"""The device registry over JSON (admin scope), and its audit trail. Both databases."""

from __future__ import annotations

import base64

import httpx
import pytest
from fastapi import FastAPI

from tests.upstream.fake_kiosk import FakeKiosk

DEVICES = "/api/v1/devices"


async def test_enrol_list_and_revoke_a_device(
    upstream: httpx.AsyncClient, upstream_public_key: bytes, admin_auth: dict[str, str]
) -> None:
    kiosk = FakeKiosk(upstream_public_key)
    body = {"code": kiosk.enrolment_code, "site_id": "peckham-library"}

    enrolled = await upstream.post(DEVICES, json=body, headers=admin_auth)
    stored = await upstream.put(f"/api/v1/records/{(r := kiosk.record())['id']}", json=r)
    listed = await upstream.get(DEVICES, headers=admin_auth)
    revoked = await upstream.post(f"{DEVICES}/{kiosk.device_id}:revoke", headers=admin_auth)
    refused = await upstream.put(f"/api/v1/records/{(r := kiosk.record())['id']}", json=r)
    audit = await upstream.get("/api/v1/audit", headers=admin_auth)

    assert enrolled.status_code == 201
    assert enrolled.json()["key_id"] == kiosk.key_id
    assert stored.status_code == 201
    assert [(d["device_id"], d["site_id"]) for d in listed.json()] == [
        (kiosk.device_id, "peckham-library")
    ]
    assert revoked.json()["revoked_at"] is not None
    assert refused.json()["code"] == "revoked_device"
    events = [(e["action"], e["target"], e["actor"]) for e in audit.json()]
    token_id = admin_auth["Authorization"].split(".")[1]
    assert events == [
        ("device.enrol", kiosk.device_id, f"token:{token_id} (ICB admin)"),
        ("device.revoke", kiosk.device_id, f"token:{token_id} (ICB admin)"),
    ]
    assert audit.json()[0]["detail"] == {"site_id": "peckham-library", "key_id": kiosk.key_id}


async def test_enrolling_the_same_code_again_is_a_no_op(
    upstream: httpx.AsyncClient, kiosk: FakeKiosk, admin_auth: dict[str, str]
) -> None:
    body = {"code": kiosk.enrolment_code, "site_id": "southwark-library-1"}

    again = await upstream.post(DEVICES, json=body, headers=admin_auth)

    assert again.status_code == 201
    assert len((await upstream.get(DEVICES, headers=admin_auth)).json()) == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"site_id": "another-site"}, 409, "device_conflict"),
        ({"code": "v5enrol:1:kiosk-x:AAAA"}, 400, "bad_enrolment_code"),
        ({"code": "v5enrol:2:kiosk-x:AAAA"}, 400, "bad_enrolment_code"),
        ({"code": "hello"}, 400, "bad_enrolment_code"),
        ({"site_id": "has spaces"}, 400, "malformed"),
    ],
)
async def test_bad_enrolments_are_refused(
    upstream: httpx.AsyncClient,
    upstream_app: FastAPI,
    kiosk: FakeKiosk,
    admin_auth: dict[str, str],
    change: dict[str, str],
    status: int,
    code: str,
) -> None:
    body = {"code": kiosk.enrolment_code, "site_id": "southwark-library-1"} | change

    response = await upstream.post(DEVICES, json=body, headers=admin_auth)

    assert (response.status_code, response.json()["code"]) == (status, code)


async def test_a_revoked_device_cannot_be_enrolled_again(
    upstream: httpx.AsyncClient, kiosk: FakeKiosk, admin_auth: dict[str, str]
) -> None:
    await upstream.post(f"{DEVICES}/{kiosk.device_id}:revoke", headers=admin_auth)
    body = {"code": kiosk.enrolment_code, "site_id": "southwark-library-1"}

    response = await upstream.post(DEVICES, json=body, headers=admin_auth)

    assert response.status_code == 409


async def test_revoking_an_unknown_device_is_404(
    upstream: httpx.AsyncClient, admin_auth: dict[str, str]
) -> None:
    response = await upstream.post(f"{DEVICES}/kiosk-nobody:revoke", headers=admin_auth)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_the_public_keys_are_public(
    upstream: httpx.AsyncClient, upstream_public_key: bytes
) -> None:
    response = await upstream.get("/api/v1/keys")

    [key] = response.json()
    assert base64.b64decode(key["public_key"]) == upstream_public_key


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/api/v1/devices", "GET, POST"),
        ("DELETE", "/api/v1/records:batch", "POST"),
        ("GET", "/api/v1/records/0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e", "PUT"),
    ],
)
async def test_405_lists_every_method_the_path_has(
    upstream: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await upstream.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["code"] == "method_not_allowed"


async def test_unknown_paths_and_query_parameters_are_refused_in_the_same_shape(
    upstream: httpx.AsyncClient, admin_auth: dict[str, str]
) -> None:
    missing = await upstream.get("/api/v1/nothing")
    typo = await upstream.get("/api/v1/audit", params={"aftr": 5}, headers=admin_auth)

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (typo.status_code, typo.json()["code"]) == (400, "malformed")
