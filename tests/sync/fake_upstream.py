"""A fake upstream for the kiosk's sync tests, with faults on demand.

It plays the upstream of docs/sync-protocol.md using nacl directly (tests may;
kiosk_app may not): it verifies each envelope's signature over the signed
bytes as the document spells them, opens the sealed box with its private key,
checks the id inside, and stores each id once. ``faults`` is a queue: each
request takes the next fault, if any, so a test scripts an outage exactly.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.signing import VerifyKey

from kiosk_app.sync.crypto import key_id

Fault = Callable[[httpx.Request], httpx.Response | None]


def signed_bytes_from_doc(envelope: dict[str, object], ciphertext: bytes) -> bytes:
    """docs/sync-protocol.md, written out independently of kiosk_app.sync.crypto."""
    return (
        b"vital5-record-v1\n"
        + f"{envelope['id']}\n{envelope['device_id']}\n".encode()
        + f"{envelope['upstream_key_id']}\n{envelope['sealed_at']}\n".encode()
        + ciphertext
    )


@dataclass
class FakeUpstream:
    private_key: PrivateKey = field(default_factory=PrivateKey.generate)
    devices: dict[str, str] = field(default_factory=dict)  # device_id -> b64 public key
    stored: dict[str, bytes] = field(default_factory=dict)  # id -> plaintext
    sequences: dict[str, int] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    # (id, status) of every receipt given, in order.
    receipts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def public_key(self) -> str:
        return base64.b64encode(bytes(self.private_key.public_key)).decode()

    @property
    def key_id(self) -> str:
        return key_id(bytes(self.private_key.public_key))

    def register(self, code: str) -> None:
        prefix, version, device_id, public_key = code.split(":")
        assert (prefix, version) == ("v5enrol", "1")
        self.devices[device_id] = public_key

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.faults:
            response = self.faults.pop(0)(request)
            if response is not None:
                return response
        return self.respond(request)

    def respond(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if request.method == "POST" and request.url.path == "/api/v1/records:batch":
            receipts = [self.receipt(envelope) for envelope in body["records"]]
            return httpx.Response(200, json={"receipts": receipts})
        if request.method == "PUT" and request.url.path.startswith("/api/v1/records/"):
            receipt = self.receipt(body)
            if receipt["status"] == "rejected":
                status = 409 if receipt["code"] == "conflict" else 400
                return httpx.Response(status, json={k: receipt[k] for k in ("code", "reason")})
            return httpx.Response(201 if receipt["status"] == "stored" else 200, json=receipt)
        return httpx.Response(404, json={"code": "not_found"})

    def receipt(self, envelope: dict[str, object]) -> dict[str, object]:
        record_id = str(envelope["id"])
        result = self._check(envelope)
        if isinstance(result, tuple):
            code, reason = result
            self.receipts.append((record_id, "rejected"))
            return {"id": record_id, "status": "rejected", "code": code, "reason": reason}
        if record_id in self.stored:
            status = "duplicate" if self.stored[record_id] == result else "conflict"
            if status == "conflict":
                self.receipts.append((record_id, "rejected"))
                return {"id": record_id, "status": "rejected", "code": "conflict", "reason": "x"}
        else:
            self.stored[record_id] = result
            self.sequences[record_id] = len(self.stored)
            status = "stored"
        self.receipts.append((record_id, status))
        return {"id": record_id, "status": status, "sequence": self.sequences[record_id]}

    def _check(self, envelope: dict[str, object]) -> bytes | tuple[str, str]:
        public_key = self.devices.get(str(envelope["device_id"]))
        if public_key is None:
            return ("unknown_device", "not enrolled here")
        ciphertext = base64.b64decode(str(envelope["ciphertext"]))
        signature = base64.b64decode(str(envelope["signature"]))
        verify_key = VerifyKey(base64.b64decode(public_key))
        if envelope["device_key_id"] != key_id(bytes(verify_key)):
            return ("bad_signature", "another key")
        try:
            verify_key.verify(signed_bytes_from_doc(envelope, ciphertext), signature)
        except BadSignatureError:
            return ("bad_signature", "the signature does not match")
        if envelope["upstream_key_id"] != self.key_id:
            return ("unknown_upstream_key", "not held here")
        try:
            plaintext = SealedBox(self.private_key).decrypt(ciphertext)
        except CryptoError:
            return ("cannot_decrypt", "the sealed box does not open")
        if json.loads(plaintext)["id"] != envelope["id"]:
            return ("id_mismatch", "the id inside differs")
        return plaintext

    def open(self, envelope_text: str) -> dict[str, object]:
        """The plaintext of a stored envelope, as the upstream would see it."""
        envelope = json.loads(envelope_text)
        plaintext = SealedBox(self.private_key).decrypt(base64.b64decode(envelope["ciphertext"]))
        opened: dict[str, object] = json.loads(plaintext)
        return opened


# Faults: each returns a response (the upstream answered), or raises (the
# network failed), or returns None after a side effect (pass through).


def status(code: int, body: object | None = None) -> Fault:
    return lambda _request: httpx.Response(code, json=body if body is not None else {})


def raises(error: type[httpx.TransportError]) -> Fault:
    def fault(request: httpx.Request) -> httpx.Response:
        raise error("injected", request=request)

    return fault


def lose_response(upstream: FakeUpstream) -> Fault:
    """The upstream stores the batch, then the reply is lost on the way back."""

    def fault(request: httpx.Request) -> httpx.Response:
        upstream.respond(request)
        raise httpx.ReadError("connection reset by peer", request=request)

    return fault


def drop_receipts(upstream: FakeUpstream, keep: Callable[[int], bool]) -> Fault:
    """A 200 whose receipts list leaves some records out (by position)."""

    def fault(request: httpx.Request) -> httpx.Response:
        receipts = upstream.respond(request).json()["receipts"]
        kept = [receipt for index, receipt in enumerate(receipts) if keep(index)]
        return httpx.Response(200, json={"receipts": kept})

    return fault


@contextlib.contextmanager
def serve(upstream: FakeUpstream, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """The fake upstream on a real socket at 127.0.0.1; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._answer()

        def do_PUT(self) -> None:
            self._answer()

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            request = httpx.Request(self.command, f"http://upstream{self.path}", content=body)
            response = upstream.respond(request)
            upstream.requests.append(request)
            self.send_response(response.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme, host = ("https", "localhost") if tls else ("http", "127.0.0.1")
        yield f"{scheme}://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
