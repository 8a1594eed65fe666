"""upstream/crypto.py: key files, the key ring, signatures; and the envelope's signed bytes."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey

from tests.upstream.fake_kiosk import key_id as doc_key_id
from upstream import crypto
from upstream.envelope import Envelope, RejectedError, parse_envelope


@pytest.fixture
def ring_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def test_key_id_is_the_documented_blake2b_prefix() -> None:
    public = bytes(PrivateKey.generate().public_key)

    assert crypto.key_id(public) == doc_key_id(public)
    assert len(crypto.key_id(public)) == 16


def test_a_generated_key_opens_what_is_sealed_to_its_public_half(ring_dir: Path) -> None:
    info = crypto.generate_key(ring_dir)
    box = SealedBox(PublicKey(base64.b64decode(info.public_key))).encrypt(b"hello")

    ring = crypto.KeyRing.load(ring_dir)

    assert ring.key_ids() == {info.key_id}
    assert ring.open(info.key_id, box) == b"hello"


def test_several_keys_are_held_for_rotation(ring_dir: Path) -> None:
    old, new = crypto.generate_key(ring_dir), crypto.generate_key(ring_dir)
    ring = crypto.KeyRing.load(ring_dir)

    for info in (old, new):
        box = SealedBox(PublicKey(base64.b64decode(info.public_key))).encrypt(info.key_id.encode())
        assert ring.open(info.key_id, box) == info.key_id.encode()
    assert {k.key_id for k in ring.public_keys()} == {old.key_id, new.key_id}


def test_opening_fails_cleanly(ring_dir: Path) -> None:
    info = crypto.generate_key(ring_dir)
    ring = crypto.KeyRing.load(ring_dir)
    box = bytearray(SealedBox(PublicKey(base64.b64decode(info.public_key))).encrypt(b"x"))
    box[-1] ^= 1

    with pytest.raises(crypto.UnknownKeyError):
        ring.open("0000000000000000", bytes(box))
    with pytest.raises(crypto.DecryptError):
        ring.open(info.key_id, bytes(box))
    with pytest.raises(crypto.DecryptError):
        ring.open(info.key_id, b"short")


def test_no_key_material_in_the_ring_repr(ring_dir: Path) -> None:
    crypto.generate_key(ring_dir)
    [path] = ring_dir.iterdir()

    ring = crypto.KeyRing.load(ring_dir)

    assert path.read_text().strip() not in repr(ring)
    assert not any(not name.startswith("_") for name in vars(ring))


def test_a_missing_key_dir_is_an_empty_ring(tmp_path: Path) -> None:
    assert crypto.KeyRing.load(tmp_path / "nowhere").key_ids() == frozenset()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.chmod(0o640), "readable by others"),
        (lambda p: p.write_text("not base64!\n"), "not a base64 private key"),
        (lambda p: p.write_text(base64.b64encode(b"short").decode()), "32 bytes"),
        (lambda p: p.rename(p.with_name("0000000000000000.x25519")), "does not match"),
    ],
)
def test_bad_key_files_are_refused(ring_dir: Path, damage: object, message: str) -> None:
    crypto.generate_key(ring_dir)
    [path] = ring_dir.iterdir()
    damage(path)  # type: ignore[operator]

    with pytest.raises(crypto.KeyFileError, match=message):
        crypto.KeyRing.load(ring_dir)


def test_signatures() -> None:
    signer = SigningKey.generate()
    public = bytes(signer.verify_key)
    signature = signer.sign(b"message").signature

    assert crypto.verify_signature(public, b"message", signature)
    assert not crypto.verify_signature(public, b"massage", signature)
    assert not crypto.verify_signature(public, b"message", signature[:-1])
    assert not crypto.verify_signature(public[:-1], b"message", signature)


@pytest.mark.parametrize("text", ["%%%", base64.b64encode(b"x" * 31).decode()])
def test_device_public_keys_must_be_32_base64_bytes(text: str) -> None:
    with pytest.raises(ValueError, match=r"base64|32 bytes"):
        crypto.parse_signing_key(text)


def test_signed_bytes_follow_the_doc_to_the_byte() -> None:
    envelope = Envelope(
        id="0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e",
        device_id="kiosk-3f9a1c2b4d5e6f70",
        device_key_id="3f9a1c2b4d5e6f70",
        upstream_key_id="a1b2c3d4e5f60718",
        sealed_at="2026-11-25T10:31:02Z",
        ciphertext=b"\x00\x01\xff",
        signature=b"",
    )

    assert envelope.signed_bytes() == (
        b"vital5-record-v1\n"
        b"0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e\n"
        b"kiosk-3f9a1c2b4d5e6f70\n"
        b"a1b2c3d4e5f60718\n"
        b"2026-11-25T10:31:02Z\n"
        b"\x00\x01\xff"
    )


@pytest.mark.parametrize("v", [True, 1.0, "1", 2])
def test_only_integer_version_1_is_accepted(v: object) -> None:
    envelope = {
        "v": v,
        "id": "0193f3c2-7a1e-7c4b-9d2e-5f6a7b8c9d0e",
        "device_id": "kiosk-1",
        "device_key_id": "3f9a1c2b4d5e6f70",
        "upstream_key_id": "a1b2c3d4e5f60718",
        "sealed_at": "2026-11-25T10:31:02Z",
        "ciphertext": "",
        "signature": "",
    }
    assert parse_envelope(envelope | {"v": 1}, 100).device_id == "kiosk-1"

    with pytest.raises(RejectedError, match="malformed"):
        parse_envelope(envelope, 100)


def test_the_cookie_signer_makes_its_key_once_and_shares_it(ring_dir: Path) -> None:
    path = ring_dir / "session.hmac"
    first = crypto.Signer(path)
    assert not path.exists()  # nothing on disk until the first signature

    signature = first.sign("session", "abc")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.Signer(path).verify("session", "abc", signature)  # another instance agrees
    assert not first.verify("logout", "abc", signature)  # purposes do not mix
    assert not first.verify("session", "abd", signature)
    assert list(ring_dir.iterdir()) == [path]  # no temporary file left behind


def test_a_signing_key_readable_by_others_is_refused(ring_dir: Path) -> None:
    path = ring_dir / "session.hmac"
    crypto.Signer(path).sign("x", "y")
    path.chmod(0o644)

    with pytest.raises(crypto.KeyFileError, match="readable by others"):
        crypto.Signer(path).sign("x", "y")
