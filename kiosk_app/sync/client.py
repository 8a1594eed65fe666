"""The HTTP side of sync: an httpx client to the enrolled upstream, and uploads.

``make_client(settings, transport=None)`` builds the one client the worker
uses; tests pass ``httpx.MockTransport(handler)`` as the transport. TLS is
always verified (against an extra CA bundle if the site has one); plain http
is refused except to this machine. ``push`` and ``put_one`` turn replies into
receipts, or raise ``TransientPushError`` / ``BatchRefusedError``.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence

import httpx

from kiosk_app.settings import Settings
from kiosk_app.sync import outbox
from kiosk_app.sync.enrolment import check_upstream_url, load_enrolment
from kiosk_app.sync.errors import (
    BatchRefusedError,
    EnrolmentError,
    NotEnrolledError,
    TransientPushError,
)

BATCH_PATH = "/api/v1/records:batch"
RECORD_PATH = "/api/v1/records/{id}"
USER_AGENT = "vital5-kiosk/1"
_JSON = {"content-type": "application/json"}


def make_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """A client for the enrolled upstream (``NotEnrolledError`` if there is none)."""
    enrolment = load_enrolment(settings.keys_dir)
    if enrolment is None:
        raise NotEnrolledError(f"no enrolment in {settings.keys_dir}: run `vital5 enroll`")
    base_url = check_upstream_url(enrolment.upstream_url)
    return httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        verify=_tls_context(settings),
        timeout=httpx.Timeout(settings.sync_timeout_s, connect=min(10.0, settings.sync_timeout_s)),
        headers={"user-agent": USER_AGENT},
        # A redirect could point at http or another host; the upstream has no reason to send one.
        follow_redirects=False,
        # Proxy and CA choices come from Settings only, never from the shell's environment.
        proxy=settings.upstream_proxy,
        trust_env=False,
    )


def _tls_context(settings: Settings) -> ssl.SSLContext:
    # The system's trust store, plus the site's own CA if it has one. Never
    # unverified: there is deliberately no setting for that.
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if settings.upstream_ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(settings.upstream_ca_bundle))
        except (OSError, ssl.SSLError) as error:
            raise EnrolmentError(
                f"cannot load the CA bundle {settings.upstream_ca_bundle}: {error}"
            ) from error
    return context


async def push(client: httpx.AsyncClient, envelopes: Sequence[str]) -> list[outbox.Receipt]:
    """POST one batch; the upstream's receipts (one per record, in order)."""
    # The stored envelope text is sent byte for byte: a resend after a lost
    # reply is then identical, and the upstream answers ``duplicate``.
    body = '{"records":[' + ",".join(envelopes) + "]}"
    response = await _send(client, "POST", BATCH_PATH, body)
    failure = outbox.classify_status(response.status_code)
    if failure is outbox.Failure.REFUSED:
        raise BatchRefusedError(_describe(response), status=response.status_code)
    if failure is outbox.Failure.TRANSIENT:
        raise TransientPushError(_describe(response), status=response.status_code)
    try:
        return outbox.parse_receipts(response.json())
    except ValueError as error:  # includes a body that is not JSON
        raise TransientPushError(f"unreadable receipts: {error}", status=200) from error


async def put_one(client: httpx.AsyncClient, record_id: str, envelope: str) -> outbox.Receipt:
    """PUT one record; its receipt, or ``TransientPushError``."""
    response = await _send(client, "PUT", RECORD_PATH.format(id=record_id), envelope)
    try:
        body: object = response.json()
    except ValueError:
        body = None
    result = outbox.receipt_for_put(record_id, response.status_code, body)
    if isinstance(result, outbox.Failure):
        raise TransientPushError(_describe(response), status=response.status_code)
    return result


async def _send(client: httpx.AsyncClient, method: str, path: str, body: str) -> httpx.Response:
    try:
        return await client.request(method, path, content=body.encode("utf-8"), headers=_JSON)
    except httpx.TimeoutException as error:
        raise TransientPushError(f"timed out: {type(error).__name__}") from error
    except httpx.TransportError as error:
        # Connection refused or reset, DNS, TLS verification: all worth retrying
        # (a certificate gets fixed); the message tells staff which it was.
        raise TransientPushError(f"{type(error).__name__}: {error}"[:300]) from error


def _describe(response: httpx.Response) -> str:
    code = ""
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            code = f" ({body['code'][:40]})"
    except ValueError:
        pass
    return f"HTTP {response.status_code}{code} from the upstream"
