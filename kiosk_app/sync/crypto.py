"""All cryptography on the kiosk: the device key, key ids and sealed envelopes.

This is the only kiosk module that imports ``nacl`` (tests/sync checks). It
implements docs/sync-protocol.md exactly:

- content: ``crypto_box_seal`` (X25519 + XSalsa20-Poly1305) to the upstream's
  public key, so only the upstream can read it;
- sender: an Ed25519 signature by the device key over the *signed bytes*
  (below), so the upstream knows which device sent it and that nothing changed;
- ``key_id``: the first 16 hex characters of BLAKE2b-256 of the raw public key.

The device's private key lives in ``<keys_dir>/device.key`` (32-byte seed,
file 0600, directory 0700), outside the database. It is read inside the
function that needs it and never returned: callers get public identities and a
``Sealer`` whose ``seal`` closure holds the key.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nacl.public import PublicKey, SealedBox
from nacl.signing import SigningKey

from kiosk_app.sync.errors import EnrolmentError, KeyFileError

KEY_FILE = "device.key"
ENVELOPE_VERSION = 1
# The version prefix stops a record signature being replayed as another message type.
SIGNED_PREFIX = b"vital5-record-v1\n"
_SEED_BYTES = 32


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """The public half of the device key: safe to print, log and send."""

    device_id: str
    key_id: str
    public_key: str  # base64 of the raw 32-byte Ed25519 public key


@dataclass(frozen=True, slots=True)
class Sealer:
    """Seals one check's plaintext into the JSON text of an envelope."""

    device_id: str
    device_key_id: str
    upstream_key_id: str
    # (record id, plaintext bytes, sealed_at) -> envelope JSON. The closure
    # holds the keys; nothing here exposes them.
    seal: Callable[[str, bytes, datetime], str] = field(repr=False)


def key_id(public_key: bytes) -> str:
    return hashlib.blake2b(public_key, digest_size=32).hexdigest()[:16]


def decode_public_key(text: str) -> bytes:
    """A base64 raw 32-byte public key, or ``EnrolmentError``."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise EnrolmentError("the public key is not valid base64") from error
    if len(raw) != 32:
        raise EnrolmentError(f"a public key has 32 bytes, this one has {len(raw)}")
    return raw


def timestamp(moment: datetime) -> str:
    """UTC to the second with a ``Z``, as in the envelope's ``sealed_at``."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_bytes(
    record_id: str, device_id: str, upstream_key_id: str, sealed_at: str, ciphertext: bytes
) -> bytes:
    """Exactly what the device signs (docs/sync-protocol.md, "The envelope")."""
    for value in (record_id, device_id, upstream_key_id, sealed_at):
        if "\n" in value:  # the separator must be unambiguous
            raise ValueError("signed fields cannot contain a newline")
    header = "\n".join((record_id, device_id, upstream_key_id, sealed_at)) + "\n"
    return SIGNED_PREFIX + header.encode("utf-8") + ciphertext


def ensure_device_key(keys_dir: Path, *, replace: bool = False) -> DeviceIdentity:
    """Create the device key if there is none (or ``replace``); return its identity."""
    path = keys_dir / KEY_FILE
    if replace or not path.exists():
        ensure_private_dir(keys_dir)
        write_private_file(path, bytes(SigningKey.generate()))
    return load_device_identity(keys_dir)


def load_device_identity(keys_dir: Path) -> DeviceIdentity:
    return _identity(_signing_key(keys_dir))


def make_sealer(keys_dir: Path, upstream_public_key: str) -> Sealer:
    """A sealer for this device's key and the upstream's X25519 public key."""
    signing_key = _signing_key(keys_dir)
    identity = _identity(signing_key)
    upstream = PublicKey(decode_public_key(upstream_public_key))
    upstream_key_id = key_id(bytes(upstream))
    box = SealedBox(upstream)

    def seal(record_id: str, plaintext: bytes, sealed_at: datetime) -> str:
        if str(uuid.UUID(record_id)) != record_id:
            raise ValueError("record ids are canonical lower-case UUIDs")
        ciphertext = box.encrypt(plaintext)
        stamp = timestamp(sealed_at)
        message = signed_bytes(record_id, identity.device_id, upstream_key_id, stamp, ciphertext)
        envelope = {
            "v": ENVELOPE_VERSION,
            "id": record_id,
            "device_id": identity.device_id,
            "device_key_id": identity.key_id,
            "upstream_key_id": upstream_key_id,
            "sealed_at": stamp,
            "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
            "signature": base64.b64encode(signing_key.sign(message).signature).decode("ascii"),
        }
        return json.dumps(envelope, separators=(",", ":"))

    return Sealer(identity.device_id, identity.key_id, upstream_key_id, seal)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and parents) and make it 0700."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)


def write_private_file(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``, mode 0600, durable on return."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)  # left by a crash of an earlier process with this pid
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(temporary, flags, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _identity(signing_key: SigningKey) -> DeviceIdentity:
    public = bytes(signing_key.verify_key)
    kid = key_id(public)
    return DeviceIdentity(f"kiosk-{kid}", kid, base64.b64encode(public).decode("ascii"))


def _signing_key(keys_dir: Path) -> SigningKey:
    path = keys_dir / KEY_FILE
    try:
        directory = os.stat(keys_dir)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError as error:
        raise KeyFileError(f"no device key at {path}: run `vital5 enroll`") from error
    except OSError as error:
        raise KeyFileError(f"cannot open the device key {path}: {error.strerror}") from error
    try:
        info = os.fstat(fd)  # checked on the open file: no swap after the check
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"{path} is not a regular file")
        if info.st_mode & 0o077:
            raise KeyFileError(
                f"{path} is readable or writable by others (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); refusing it. Run `chmod 600 {path}` "
                "and consider the key exposed: rotate it (docs/sync.md)."
            )
        if info.st_uid != os.geteuid():
            raise KeyFileError(f"{path} belongs to another user; refusing it")
        if directory.st_mode & 0o022:
            raise KeyFileError(f"{keys_dir} is writable by others; run `chmod 700 {keys_dir}`")
        seed = os.read(fd, _SEED_BYTES + 1)
    finally:
        os.close(fd)
    if len(seed) != _SEED_BYTES:
        raise KeyFileError(f"{path} is not a device key ({len(seed)} bytes)")
    return SigningKey(seed)
