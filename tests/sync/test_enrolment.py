"""Enrolment: the file, the code staff register, and noticing changes live."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from kiosk_app.sync import crypto
from kiosk_app.sync.enrolment import (
    ENROLMENT_FILE,
    EnrolmentCache,
    enroll,
    enrolment_code,
    load_enrolment,
    qr_text,
)
from kiosk_app.sync.errors import EnrolmentError, InsecureUpstreamError
from tests.sync.conftest import T0, UPSTREAM_URL
from tests.sync.fake_upstream import FakeUpstream

CODE = re.compile(r"^v5enrol:1:kiosk-([0-9a-f]{16}):([A-Za-z0-9+/]{43}=)$")


def test_the_enrolment_code_names_the_device_and_its_public_key(
    keys_dir: Path, upstream: FakeUpstream
) -> None:
    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    match = CODE.match(enrolment.code)
    assert match, enrolment.code
    seed = (keys_dir / crypto.KEY_FILE).read_bytes()
    public = bytes(SigningKey(seed).verify_key)
    assert match.group(2) == base64.b64encode(public).decode()
    assert match.group(1) == crypto.key_id(public) == enrolment.device_key_id
    assert enrolment.code == enrolment_code(enrolment.device_id, enrolment.device_public_key)
    assert enrolment.upstream_key_id == upstream.key_id
    assert enrolment.enrolled_at == "2026-11-25T10:31:02Z"


def test_the_enrolment_file_sits_beside_the_key(keys_dir: Path, upstream: FakeUpstream) -> None:
    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL + "/", upstream_public_key=upstream.public_key, now=T0
    )
    path = keys_dir / ENROLMENT_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    body = json.loads(path.read_text())
    assert body["v"] == 1
    assert body["upstream_url"] == UPSTREAM_URL  # normalised
    assert load_enrolment(keys_dir) == enrolment
    assert "PRIVATE" not in path.read_text().upper()
    assert (
        base64.b64encode((keys_dir / crypto.KEY_FILE).read_bytes()).decode() not in path.read_text()
    )


def test_enrolling_again_rotates_the_upstream_key_but_keeps_the_device(
    keys_dir: Path, upstream: FakeUpstream
) -> None:
    first = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    rotated = FakeUpstream()
    second = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=rotated.public_key, now=T0
    )
    assert second.device_id == first.device_id
    assert second.upstream_key_id == rotated.key_id != first.upstream_key_id
    third = enroll(
        keys_dir,
        upstream_url=UPSTREAM_URL,
        upstream_public_key=rotated.public_key,
        now=T0,
        new_device_key=True,
    )
    assert third.device_id != first.device_id


def test_enrol_refuses_unsafe_urls_and_bad_keys_before_writing(
    keys_dir: Path, upstream: FakeUpstream
) -> None:
    with pytest.raises(InsecureUpstreamError):
        enroll(
            keys_dir,
            upstream_url="http://upstream.test",
            upstream_public_key=upstream.public_key,
            now=T0,
        )
    with pytest.raises(EnrolmentError, match="32 bytes"):
        enroll(keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key="AAAA", now=T0)
    assert not keys_dir.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read"),
        ('{"v": 2}', "version 1"),
        ('{"v": 1, "device_id": "x"}', "missing or unknown"),
    ],
)
def test_a_damaged_enrolment_file_is_a_clear_error(
    keys_dir: Path, content: str, message: str
) -> None:
    keys_dir.mkdir()
    (keys_dir / ENROLMENT_FILE).write_text(content)
    with pytest.raises(EnrolmentError, match=message):
        load_enrolment(keys_dir)
    cache = EnrolmentCache(keys_dir)
    assert cache.current() is None
    assert cache.error is not None
    assert message in cache.error


def test_the_cache_notices_enrolment_key_trouble_and_fixes(
    keys_dir: Path, upstream: FakeUpstream
) -> None:
    cache = EnrolmentCache(keys_dir)
    assert cache.current() is None
    assert cache.error is None  # simply not enrolled
    enroll(keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0)
    current = cache.current()
    assert current is not None
    assert cache.current() is current  # unchanged files: not reloaded
    key = keys_dir / crypto.KEY_FILE
    key.chmod(0o644)
    assert cache.current() is None
    assert "readable or writable by others" in (cache.error or "")
    key.chmod(0o600)
    assert cache.current() is not None
    assert cache.error is None
    crypto.ensure_device_key(keys_dir, replace=True)  # a new key without enrolling again
    assert cache.current() is None
    assert "vital5 enroll" in (cache.error or "")


def test_the_qr_code_is_drawn_for_a_terminal() -> None:
    drawing = qr_text("v5enrol:1:kiosk-0123456789abcdef:" + "A" * 43 + "=")
    lines = drawing.splitlines()
    assert len(lines) > 15
    assert set("".join(lines)) <= set(" █▀▄")
