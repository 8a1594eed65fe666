"""All of the upstream's cryptography: the only module that imports ``nacl``.

docs/sync-protocol.md: records are sealed to the upstream with
``crypto_box_seal`` (X25519 + XSalsa20-Poly1305) and signed by the device with
Ed25519. Private keys live in files outside the database (directory 0700,
files 0600), one per key so that keys can rotate: a kiosk may seal to any
key the upstream still holds. Private key material never leaves this
module: callers get a `KeyRing` that opens boxes, never the keys.

The report pages' session cookies and CSRF tokens are signed here too, with
HMAC-SHA256 under a key in a file beside the sealing keys (`Signer`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.signing import VerifyKey

KEY_SUFFIX = ".x25519"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


class KeyFileError(Exception):
    """A private key file is missing, unreadable, malformed or too open."""


class UnknownKeyError(LookupError):
    """No private key with this key id is held."""


class DecryptError(ValueError):
    """The sealed box does not open: wrong key, truncated or tampered."""


def key_id(public_key: bytes) -> str:
    """First 16 hex digits of BLAKE2b-256 of the raw public key."""
    return hashlib.blake2b(public_key, digest_size=32).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    key_id: str
    public_key: str  # base64, what a kiosk is enrolled with


def generate_key(key_dir: Path) -> PublicKeyInfo:
    """Create a new X25519 key pair in ``key_dir``; returns only the public half."""
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_dir.chmod(0o700)
    private = PrivateKey.generate()
    info = _public_info(private)
    path = key_dir / f"{info.key_id}{KEY_SUFFIX}"
    # O_EXCL: never overwrite a key that may still be needed to open records.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(base64.b64encode(bytes(private)).decode("ascii") + "\n")
    return info


class KeyRing:
    """The private keys records may be sealed to, by key id; opens sealed boxes."""

    def __init__(self, boxes: dict[str, SealedBox[PrivateKey]], public: list[PublicKeyInfo]):
        self.__boxes = boxes
        self.__public = public

    @classmethod
    def load(cls, key_dir: Path) -> KeyRing:
        """Read every ``*.x25519`` file in ``key_dir`` (none is allowed: nothing opens)."""
        boxes: dict[str, SealedBox[PrivateKey]] = {}
        public: list[PublicKeyInfo] = []
        paths = sorted(key_dir.glob(f"*{KEY_SUFFIX}")) if key_dir.is_dir() else []
        for path in paths:
            private = _read_private_key(path)
            info = _public_info(private)
            if path.name != f"{info.key_id}{KEY_SUFFIX}":
                raise KeyFileError(f"{path}: file name does not match key id {info.key_id}")
            boxes[info.key_id] = SealedBox(private)
            public.append(info)
        return cls(boxes, public)

    def key_ids(self) -> frozenset[str]:
        return frozenset(self.__boxes)

    def public_keys(self) -> list[PublicKeyInfo]:
        return list(self.__public)

    def open(self, upstream_key_id: str, ciphertext: bytes) -> bytes:
        """The plaintext of a sealed box; XSalsa20-Poly1305 authenticates it."""
        box = self.__boxes.get(upstream_key_id)
        if box is None:
            raise UnknownKeyError(upstream_key_id)
        try:
            return box.decrypt(ciphertext)
        except CryptoError as error:
            raise DecryptError("the sealed box does not open") from error

    def __repr__(self) -> str:
        return f"KeyRing(key_ids={sorted(self.__boxes)})"


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is the Ed25519 signature of ``message`` by ``public_key``."""
    if len(public_key) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        VerifyKey(public_key).verify(message, signature)
    except BadSignatureError:
        return False
    return True


def parse_signing_key(text: str) -> bytes:
    """A device's Ed25519 public key from base64; raises ValueError if it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError("the public key is not base64") from error
    if len(raw) != PUBLIC_KEY_BYTES:
        raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_BYTES} bytes, got {len(raw)}")
    VerifyKey(raw)  # checks the length once more, in libsodium's terms
    return raw


class Signer:
    """Signs short strings (session ids, CSRF nonces) with HMAC-SHA256; the key stays here.

    The key file is made on first use (0600, base64 of 32 random bytes) and
    must be the same on every instance, like the sealing keys. ``purpose``
    separates uses: a signature for one purpose never verifies for another.
    """

    def __init__(self, path: Path) -> None:
        self.__path = path
        self.__key: bytes | None = None
        self.__lock = threading.Lock()

    def sign(self, purpose: str, value: str) -> str:
        digest = hmac.new(self.__secret(), f"{purpose}\n{value}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature)

    def __secret(self) -> bytes:
        with self.__lock:
            if self.__key is None:
                if not self.__path.exists():
                    _create_secret(self.__path)
                self.__key = _read_secret(self.__path)
            return self.__key

    def __repr__(self) -> str:
        return f"Signer({self.__path})"


def _create_secret(path: Path) -> None:
    # Written under a temporary name, then linked: instances starting together
    # on one secrets volume agree on whichever file appeared first.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _read_secret(path: Path) -> bytes:
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path}: signing key readable by others; chmod 600 it")
    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, UnicodeDecodeError) as error:
        raise KeyFileError(f"{path}: not a base64 signing key") from error
    if len(raw) < 32:
        raise KeyFileError(f"{path}: a signing key is at least 32 bytes, got {len(raw)}")
    return raw


def _public_info(private: PrivateKey) -> PublicKeyInfo:
    raw = bytes(private.public_key)
    return PublicKeyInfo(key_id(raw), base64.b64encode(raw).decode("ascii"))


def _read_private_key(path: Path) -> PrivateKey:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path}: private key readable by others; chmod 600 it")
    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, UnicodeDecodeError) as error:
        raise KeyFileError(f"{path}: not a base64 private key") from error
    if len(raw) != PrivateKey.SIZE:
        raise KeyFileError(f"{path}: a private key is {PrivateKey.SIZE} bytes, got {len(raw)}")
    return PrivateKey(raw)
