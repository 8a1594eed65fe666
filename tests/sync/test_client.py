"""The upstream client: TLS always verified, plain http only to this machine,
and every kind of reply turned into receipts or a classified error."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

import certifi
import httpx
import pytest

from kiosk_app.settings import Settings
from kiosk_app.sync import client
from kiosk_app.sync.enrolment import ENROLMENT_FILE, Enrolment, check_upstream_url, enroll
from kiosk_app.sync.errors import (
    BatchRefusedError,
    EnrolmentError,
    InsecureUpstreamError,
    NotEnrolledError,
    TransientPushError,
)
from kiosk_app.sync.outbox import Receipt
from tests.conftest import make_settings
from tests.sync.conftest import T0, UPSTREAM_URL
from tests.sync.fake_upstream import FakeUpstream, serve

ENVELOPES = ['{"id":"a","x":1}', '{"id":"b","x":2}']


def recording(seen: list[httpx.Request]) -> httpx.MockTransport:
    """Answers every request with an empty 200 and keeps it in ``seen``."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"receipts": []})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "url",
    [
        "https://upstream.example.nhs.uk",
        "https://upstream.example.nhs.uk:8443/base/",
        "http://127.0.0.1:8080",
        "http://127.45.6.7",
        "http://localhost:9000",
        "http://LOCALHOST",
        "http://[::1]:8080",
    ],
)
def test_allowed_upstream_urls(url: str) -> None:
    assert check_upstream_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://upstream.example.nhs.uk",
        "http://10.0.0.5:8080",
        "http://192.168.1.20",
        "http://[::ffff:127.0.0.1]",  # mapped, but not the loopback interface itself
        "http://localhost.example.com",
        "http://128.0.0.1",
    ],
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(InsecureUpstreamError, match="refusing plain http"):
        check_upstream_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://upstream.test",
        "upstream.test",
        "https://",
        "https://u:p@upstream.test",
        "https://x/?a=1",
    ],
)
def test_malformed_upstream_urls_are_refused(url: str) -> None:
    with pytest.raises(EnrolmentError):
        check_upstream_url(url)


def test_make_client_needs_an_enrolment(sync_settings: Settings) -> None:
    with pytest.raises(NotEnrolledError, match="vital5 enroll"):
        client.make_client(sync_settings)


async def test_make_client_rechecks_a_hand_edited_url(
    sync_settings: Settings, enrolled: Enrolment, keys_dir: Path
) -> None:
    path = keys_dir / ENROLMENT_FILE
    path.write_text(path.read_text().replace(UPSTREAM_URL, "http://upstream.test"))
    with pytest.raises(InsecureUpstreamError):
        client.make_client(sync_settings)


async def test_client_talks_to_the_enrolled_upstream_with_verified_tls(
    sync_settings: Settings, enrolled: Enrolment
) -> None:
    async with client.make_client(sync_settings) as http:
        assert str(http.base_url).rstrip("/") == UPSTREAM_URL
        assert not http.follow_redirects
    context = client._tls_context(sync_settings)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


def test_an_unreadable_ca_bundle_is_a_clear_error(tmp_path: Path, keys_dir: Path) -> None:
    settings = make_settings(tmp_path, keys_dir=keys_dir, upstream_ca_bundle=tmp_path / "no.pem")
    with pytest.raises(EnrolmentError, match="cannot load the CA bundle"):
        client._tls_context(settings)
    bundle = make_settings(tmp_path, upstream_ca_bundle=Path(certifi.where()))
    assert client._tls_context(bundle).cert_store_stats()["x509_ca"] > 100


async def test_proxy_variables_in_the_environment_are_ignored(
    sync_settings: Settings, enrolled: Enrolment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("ALL_PROXY", "http://proxy.invalid:3128")
    seen: list[httpx.Request] = []
    transport = recording(seen)
    async with client.make_client(sync_settings, transport) as http:
        assert await client.push(http, []) == []
    assert seen[0].url == f"{UPSTREAM_URL}/api/v1/records:batch"


def mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=UPSTREAM_URL, transport=httpx.MockTransport(handler))


async def test_push_sends_the_stored_envelopes_byte_for_byte() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        receipts = [
            {"id": "a", "status": "stored", "sequence": 7},
            {"id": "b", "status": "duplicate"},
        ]
        return httpx.Response(200, json={"receipts": receipts})

    async with mock(handler) as http:
        receipts = await client.push(http, ENVELOPES)
    assert receipts == [Receipt("a", "stored", sequence=7), Receipt("b", "duplicate")]
    assert seen[0].method == "POST"
    assert seen[0].url.path == "/api/v1/records:batch"
    assert seen[0].headers["content-type"] == "application/json"
    assert seen[0].content == b'{"records":[' + ",".join(ENVELOPES).encode() + b"]}"
    assert json.loads(seen[0].content) == {"records": [json.loads(e) for e in ENVELOPES]}


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(500), TransientPushError),
        (httpx.Response(503, json={"code": "maintenance"}), TransientPushError),
        (httpx.Response(429, headers={"retry-after": "5"}), TransientPushError),
        (httpx.Response(404), TransientPushError),
        (httpx.Response(302, headers={"location": "http://evil.test/"}), TransientPushError),
        (httpx.Response(200, text="<html>captive portal</html>"), TransientPushError),
        (httpx.Response(200, json={"receipts": "none"}), TransientPushError),
        (httpx.Response(400, json={"code": "malformed", "reason": "x"}), BatchRefusedError),
        (httpx.Response(413, json={"code": "too_large", "reason": "x"}), BatchRefusedError),
    ],
)
async def test_push_classifies_whole_request_failures(
    response: httpx.Response, error: type[Exception]
) -> None:
    async with mock(lambda _r: response) as http:
        with pytest.raises(error, match=r"HTTP|receipts"):
            await client.push(http, ENVELOPES)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError,
        httpx.ReadError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
    ],
)
async def test_network_failures_are_transient(exc: type[httpx.TransportError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("injected", request=request)

    async with mock(handler) as http:
        with pytest.raises(TransientPushError):
            await client.push(http, ENVELOPES)
        with pytest.raises(TransientPushError):
            await client.put_one(http, "a", ENVELOPES[0])


async def test_put_one_uses_the_record_route() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(409, json={"code": "conflict", "reason": "differs"})

    async with mock(handler) as http:
        receipt = await client.put_one(http, "0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e", ENVELOPES[0])
    assert receipt == Receipt(
        "0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e", "rejected", None, "conflict", "differs"
    )
    assert seen[0].method == "PUT"
    assert seen[0].url.path == "/api/v1/records/0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e"
    assert seen[0].content == ENVELOPES[0].encode()


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


async def test_real_tls_is_verified_against_the_site_ca_bundle(
    tmp_path: Path, keys_dir: Path, upstream: FakeUpstream, self_signed: tuple[Path, Path]
) -> None:
    cert, key = self_signed
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    with serve(upstream, tls) as url:
        enroll(keys_dir, upstream_url=url, upstream_public_key=upstream.public_key, now=T0)
        untrusting = make_settings(tmp_path, keys_dir=keys_dir)
        async with client.make_client(untrusting) as http:
            with pytest.raises(TransientPushError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.push(http, [])
        trusting = make_settings(tmp_path, keys_dir=keys_dir, upstream_ca_bundle=cert)
        async with client.make_client(trusting) as http:
            assert await client.push(http, []) == []


async def test_an_upstream_under_a_path_keeps_its_path(
    sync_settings: Settings, keys_dir: Path, upstream: FakeUpstream
) -> None:
    enroll(
        keys_dir,
        upstream_url="https://ics.test/vital5/",
        upstream_public_key=upstream.public_key,
        now=T0,
    )
    seen: list[httpx.Request] = []
    transport = recording(seen)
    async with client.make_client(sync_settings, transport) as http:
        await client.push(http, [])
        await client.put_one(http, "a", "{}")
    assert [str(r.url) for r in seen] == [
        "https://ics.test/vital5/api/v1/records:batch",
        "https://ics.test/vital5/api/v1/records/a",
    ]
