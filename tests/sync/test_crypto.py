"""The device key and sealed envelopes, checked by nacl playing the upstream."""

from __future__ import annotations

import ast
import base64
import json
import os
import uuid
from pathlib import Path

import pytest
from nacl.encoding import HexEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, SealedBox
from nacl.signing import VerifyKey

from kiosk_app.sync import crypto
from kiosk_app.sync.errors import EnrolmentError, KeyFileError
from tests.sync.conftest import ROOT, T0
from tests.sync.fake_upstream import signed_bytes_from_doc

RECORD_ID = "0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e"
PLAINTEXT = b'{"id":"0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e","answers":{"postcode":"ZE3 9QX"}}'


@pytest.fixture
def upstream_key() -> PrivateKey:
    return PrivateKey.generate()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def seal(keys_dir: Path, upstream_key: PrivateKey) -> dict[str, object]:
    crypto.ensure_device_key(keys_dir)
    sealer = crypto.make_sealer(keys_dir, b64(bytes(upstream_key.public_key)))
    envelope: dict[str, object] = json.loads(sealer.seal(RECORD_ID, PLAINTEXT, T0))
    return envelope


def verify(envelope: dict[str, object], public_key: str) -> None:
    """What the upstream does; raises BadSignatureError."""
    ciphertext = base64.b64decode(str(envelope["ciphertext"]))
    message = signed_bytes_from_doc(envelope, ciphertext)
    VerifyKey(base64.b64decode(public_key)).verify(
        message, base64.b64decode(str(envelope["signature"]))
    )


def test_envelope_round_trip(keys_dir: Path, upstream_key: PrivateKey) -> None:
    envelope = seal(keys_dir, upstream_key)
    device = crypto.load_device_identity(keys_dir)
    assert list(envelope) == [
        "v",
        "id",
        "device_id",
        "device_key_id",
        "upstream_key_id",
        "sealed_at",
        "ciphertext",
        "signature",
    ]
    assert envelope["v"] == 1
    assert envelope["id"] == RECORD_ID
    assert envelope["device_id"] == device.device_id == f"kiosk-{device.key_id}"
    assert envelope["device_key_id"] == device.key_id
    assert envelope["upstream_key_id"] == crypto.key_id(bytes(upstream_key.public_key))
    assert envelope["sealed_at"] == "2026-11-25T10:31:02Z"
    verify(envelope, device.public_key)
    opened = SealedBox(upstream_key).decrypt(base64.b64decode(str(envelope["ciphertext"])))
    assert opened == PLAINTEXT


def test_key_id_is_blake2b_256_first_16_hex(upstream_key: PrivateKey) -> None:
    raw = bytes(upstream_key.public_key)
    assert crypto.key_id(raw) == blake2b(raw, digest_size=32, encoder=HexEncoder).decode()[:16]
    assert len(crypto.key_id(raw)) == 16


@pytest.mark.parametrize(
    "field", ["ciphertext", "signature", "id", "device_id", "upstream_key_id", "sealed_at"]
)
def test_any_tampering_breaks_the_signature(
    keys_dir: Path, upstream_key: PrivateKey, field: str
) -> None:
    envelope = seal(keys_dir, upstream_key)
    public_key = crypto.load_device_identity(keys_dir).public_key
    if field in ("ciphertext", "signature"):
        raw = bytearray(base64.b64decode(str(envelope[field])))
        raw[len(raw) // 2] ^= 0x01
        envelope[field] = b64(bytes(raw))
    else:
        text = str(envelope[field])
        envelope[field] = text[:-1] + ("2" if text.endswith("1") else "1")
    with pytest.raises(BadSignatureError):
        verify(envelope, public_key)


def test_tampered_ciphertext_does_not_open(keys_dir: Path, upstream_key: PrivateKey) -> None:
    envelope = seal(keys_dir, upstream_key)
    raw = bytearray(base64.b64decode(str(envelope["ciphertext"])))
    raw[-1] ^= 0x80
    with pytest.raises(CryptoError):
        SealedBox(upstream_key).decrypt(bytes(raw))
    with pytest.raises(CryptoError):  # and nobody else can open it at all
        SealedBox(PrivateKey.generate()).decrypt(base64.b64decode(str(envelope["ciphertext"])))


def test_sealing_is_randomised_but_always_verifies(
    keys_dir: Path, upstream_key: PrivateKey
) -> None:
    first, second = seal(keys_dir, upstream_key), seal(keys_dir, upstream_key)
    assert first["ciphertext"] != second["ciphertext"]
    for envelope in (first, second):
        verify(envelope, crypto.load_device_identity(keys_dir).public_key)


def test_key_files_are_private(keys_dir: Path) -> None:
    old = os.umask(0)  # even a careless umask must not widen them
    try:
        crypto.ensure_device_key(keys_dir)
    finally:
        os.umask(old)
    assert keys_dir.stat().st_mode & 0o777 == 0o700
    assert (keys_dir / crypto.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert (keys_dir / crypto.KEY_FILE).stat().st_size == 32
    assert [p.name for p in keys_dir.iterdir()] == [crypto.KEY_FILE]  # no temp file left


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o644])
def test_a_key_readable_by_others_is_refused(keys_dir: Path, mode: int) -> None:
    crypto.ensure_device_key(keys_dir)
    (keys_dir / crypto.KEY_FILE).chmod(mode)
    with pytest.raises(KeyFileError, match="readable or writable by others"):
        crypto.load_device_identity(keys_dir)
    with pytest.raises(KeyFileError):
        crypto.make_sealer(keys_dir, b64(bytes(PrivateKey.generate().public_key)))


def test_a_key_directory_others_can_write_is_refused(keys_dir: Path) -> None:
    crypto.ensure_device_key(keys_dir)
    keys_dir.chmod(0o777)
    with pytest.raises(KeyFileError, match="writable by others"):
        crypto.load_device_identity(keys_dir)


def test_missing_symlinked_or_wrong_size_keys_are_refused(keys_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="vital5 enroll"):
        crypto.load_device_identity(keys_dir)
    crypto.ensure_device_key(keys_dir)
    key = keys_dir / crypto.KEY_FILE
    elsewhere = tmp_path / "elsewhere.key"
    key.rename(elsewhere)
    key.symlink_to(elsewhere)
    with pytest.raises(KeyFileError):
        crypto.load_device_identity(keys_dir)
    key.unlink()
    crypto.write_private_file(key, b"short")
    with pytest.raises(KeyFileError, match="not a device key"):
        crypto.load_device_identity(keys_dir)


def test_no_key_material_escapes(keys_dir: Path, upstream_key: PrivateKey) -> None:
    identity = crypto.ensure_device_key(keys_dir)
    seed = (keys_dir / crypto.KEY_FILE).read_bytes()
    sealer = crypto.make_sealer(keys_dir, b64(bytes(upstream_key.public_key)))
    shown = repr(sealer) + repr(identity)
    for spelling in (seed.hex(), b64(seed), repr(seed)):
        assert spelling not in shown
    assert set(crypto.DeviceIdentity.__slots__) == {"device_id", "key_id", "public_key"}


def test_replacing_the_key_gives_a_new_identity(keys_dir: Path) -> None:
    first = crypto.ensure_device_key(keys_dir)
    assert crypto.ensure_device_key(keys_dir) == first  # kept when present
    second = crypto.ensure_device_key(keys_dir, replace=True)
    assert second.key_id != first.key_id
    assert second.device_id == f"kiosk-{second.key_id}"


def test_bad_inputs_are_refused(keys_dir: Path, upstream_key: PrivateKey) -> None:
    crypto.ensure_device_key(keys_dir)
    with pytest.raises(EnrolmentError, match="32 bytes"):
        crypto.make_sealer(keys_dir, b64(b"too short"))
    with pytest.raises(EnrolmentError, match="base64"):
        crypto.make_sealer(keys_dir, "not base64!")
    sealer = crypto.make_sealer(keys_dir, b64(bytes(upstream_key.public_key)))
    with pytest.raises(ValueError, match="canonical"):
        sealer.seal(RECORD_ID.upper(), PLAINTEXT, T0)
    with pytest.raises(ValueError, match="timezone"):
        sealer.seal(str(uuid.uuid4()), PLAINTEXT, T0.replace(tzinfo=None))


def test_only_the_crypto_module_imports_nacl() -> None:
    importers = []
    for path in sorted((ROOT / "kiosk_app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "nacl" for name in names):
                importers.append(str(path.relative_to(ROOT)))
    assert sorted(set(importers)) == ["kiosk_app/sync/crypto.py"]
