"""Enrolment: which upstream this kiosk sends to, and the code staff register there.

``<keys_dir>/enrolment.json`` (beside the device key, outside the database)
holds the upstream's URL and X25519 public key and the device's public
identity. ``vital5 enroll`` writes it; the app and the worker read it through
``EnrolmentCache``, which notices a new enrolment without a restart.
"""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import segno

from kiosk_app.sync import crypto
from kiosk_app.sync.errors import EnrolmentError, InsecureUpstreamError, SyncError

log = logging.getLogger(__name__)

ENROLMENT_FILE = "enrolment.json"
CODE_PREFIX = "v5enrol:1"


@dataclass(frozen=True, slots=True)
class Enrolment:
    device_id: str
    device_key_id: str
    device_public_key: str
    upstream_url: str
    upstream_public_key: str
    upstream_key_id: str
    enrolled_at: str

    @property
    def code(self) -> str:
        """What an upstream administrator registers (docs/sync-protocol.md)."""
        return enrolment_code(self.device_id, self.device_public_key)


@dataclass(frozen=True, slots=True)
class Enrolled:
    enrolment: Enrolment
    sealer: crypto.Sealer


def enrolment_code(device_id: str, public_key: str) -> str:
    return f"{CODE_PREFIX}:{device_id}:{public_key}"


def qr_text(code: str) -> str:
    """The code as a QR symbol drawn with Unicode half blocks, for a terminal."""
    out = io.StringIO()
    segno.make_qr(code, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def check_upstream_url(url: str) -> str:
    """The URL without a trailing slash, or an error saying why it is unsafe.

    Sealed records are also protected by TLS (they carry metadata: device,
    times, sizes), so plain http is refused except to this machine.
    """
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("https", "http") or not host:
        raise EnrolmentError(f"the upstream URL must be https://HOST[/PATH], not {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise EnrolmentError("the upstream URL cannot carry credentials, a query or a fragment")
    if scheme == "http" and not is_loopback(host):
        raise InsecureUpstreamError(
            f"refusing plain http to {host}: records would cross the network without TLS. "
            "Use https:// (http is allowed only to 127.0.0.0/8, ::1 and localhost)."
        )
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def enroll(
    keys_dir: Path,
    *,
    upstream_url: str,
    upstream_public_key: str,
    now: datetime,
    new_device_key: bool = False,
) -> Enrolment:
    """Create the device key if needed and record the upstream; returns the enrolment."""
    url = check_upstream_url(upstream_url)
    upstream_raw = crypto.decode_public_key(upstream_public_key)
    device = crypto.ensure_device_key(keys_dir, replace=new_device_key)
    enrolment = Enrolment(
        device_id=device.device_id,
        device_key_id=device.key_id,
        device_public_key=device.public_key,
        upstream_url=url,
        upstream_public_key=upstream_public_key.strip(),
        upstream_key_id=crypto.key_id(upstream_raw),
        enrolled_at=crypto.timestamp(now),
    )
    body = json.dumps({"v": 1, **asdict(enrolment)}, indent=2) + "\n"
    crypto.write_private_file(keys_dir / ENROLMENT_FILE, body.encode("utf-8"))
    return enrolment


def load_enrolment(keys_dir: Path) -> Enrolment | None:
    """The enrolment, or None if the device was never enrolled."""
    path = keys_dir / ENROLMENT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise EnrolmentError(f"cannot read {path}: {error}") from error
    if not isinstance(data, dict) or data.get("v") != 1:
        raise EnrolmentError(f"{path} is not a version 1 enrolment file")
    data.pop("v")
    try:
        enrolment = Enrolment(**{key: str(value) for key, value in data.items()})
    except TypeError as error:
        raise EnrolmentError(f"{path} has missing or unknown fields") from error
    check_upstream_url(enrolment.upstream_url)
    return enrolment


class EnrolmentCache:
    """The current enrolment and sealer, reloaded when the files change.

    ``current()`` costs two ``stat`` calls when nothing changed, so the submit
    route can ask on every check. A broken enrolment (say, a key file that
    others can read) yields None and an ``error`` staff can see in /healthz:
    checks are then kept as plaintext, as before enrolment, until it is fixed.
    """

    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = keys_dir
        self.error: str | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._current: Enrolled | None = None

    def current(self) -> Enrolled | None:
        fingerprint = tuple(
            _stat_key(self.keys_dir / name) for name in (ENROLMENT_FILE, crypto.KEY_FILE)
        )
        if fingerprint != self._fingerprint:
            self._fingerprint = fingerprint
            self._current, self.error = self._load()
            if self.error:
                log.error("sync: enrolment unusable: %s", self.error)
        return self._current

    def _load(self) -> tuple[Enrolled | None, str | None]:
        try:
            enrolment = load_enrolment(self.keys_dir)
            if enrolment is None:
                return None, None
            sealer = crypto.make_sealer(self.keys_dir, enrolment.upstream_public_key)
        except SyncError as error:
            return None, str(error)
        if sealer.device_id != enrolment.device_id:
            return None, "the device key changed since enrolment: run `vital5 enroll` again"
        return Enrolled(enrolment, sealer), None


def _stat_key(path: Path) -> tuple[int, ...] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    # ctime too: a chmod that makes the key safe (or unsafe) must be noticed.
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_mode)
