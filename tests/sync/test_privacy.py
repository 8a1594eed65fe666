"""THE privacy test: after a check, nothing a resident entered is readable on
the kiosk's disk or in its logs, only sealed to the upstream.

Every file under the test's directory (the SQLite database, its -wal and -shm,
the key directory) and every log record (DEBUG and up, for the whole test)
is searched for a synthetic resident's distinctive values. The same search
is shown to find them where they must be: in the plaintext stored before
enrolment, and inside the sealed record once the upstream opens it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from kiosk_app.sync.enrolment import EnrolmentCache, enroll
from kiosk_app.sync.worker import SyncWorker
from tests.conftest import make_settings
from tests.sync.conftest import T0, UPSTREAM_URL
from tests.sync.fake_upstream import FakeUpstream
from tests.web.flow import ORDINARY, complete, location

# A synthetic resident. ZE is Shetland: a valid postcode shape that no
# Southwark kiosk test uses, and values chosen to be rare in any file.
RESIDENT = {
    **ORDINARY,
    "postcode": {"postcode": "ze3 9qx"},
    "height_weight": {"height_cm": "171.6", "weight_kg": "73.4"},
    "waist": {"waist_cm": "87.3"},
}
BP = ({"systolic": "131", "diastolic": "83"},)

# Base64 (the sealed records) has no '.', '"', ':' or space, so these cannot
# match ciphertext by chance; the postcode allows any spacing and case.
SIGNS = {
    "postcode": re.compile(rb"z\W{0,3}e\W{0,3}3\W{0,3}9\W{0,3}q\W{0,3}x", re.IGNORECASE),
    "weight": re.compile(rb"73\.4"),
    "height": re.compile(rb"171\.6"),
    "waist": re.compile(rb"87\.3"),
    "postcode pair": re.compile(rb'"postcode":\s*"ZE3 9QX"', re.IGNORECASE),
    "weight pair": re.compile(rb'"weight_kg":\s*73\.4'),
    "systolic pair": re.compile(rb'"systolic":\s*131\b'),
    "answers key": re.compile(rb'"bp_readings"'),
    "result key": re.compile(rb'"blood_pressure"'),
}


def found_in(blob: bytes) -> set[str]:
    return {name for name, sign in SIGNS.items() if sign.search(blob)}


def found_on_disk(root: Path) -> dict[str, set[str]]:
    """Every file under ``root`` (database, -wal, -shm, keys) that shows a sign."""
    hits = {
        str(p.relative_to(root)): found_in(p.read_bytes()) for p in root.rglob("*") if p.is_file()
    }
    return {name: signs for name, signs in hits.items() if signs}


def found_in_logs(caplog: pytest.LogCaptureFixture) -> set[str]:
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    return found_in(text.encode())


def database_files(settings: Settings) -> list[str]:
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    return [p.name for p in db.parent.iterdir() if p.name.startswith(db.name)]


async def do_a_check(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        assert await complete(client, RESIDENT, bp=BP) == "/results"
        assert "24.9" in (await client.get("/results")).text  # BMI 73.4 / 1.716²
        ended = await client.post("/session/end", data={"reason": "finish"})
        assert location(ended) == "/?cleared=finish"


async def sync_once(settings: Settings, app: FastAPI, upstream: FakeUpstream) -> None:
    worker = SyncWorker(
        settings,
        app.state.kiosk.engine,
        EnrolmentCache(settings.keys_dir),
        transport=upstream.transport(),
    )
    try:
        outcome = await worker.drain()
    finally:
        await worker.aclose()
    assert outcome.acknowledged == 1, outcome.summary()


def assert_the_upstream_can_read_it(upstream: FakeUpstream) -> None:
    [plaintext] = upstream.stored.values()
    assert found_in(plaintext) == set(SIGNS)  # the search works, and the data arrived


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


async def test_enrolled_kiosk_never_writes_a_readable_check(
    tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    upstream = FakeUpstream()
    keys_dir = tmp_path / "keys"
    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    upstream.register(enrolment.code)
    settings = make_settings(tmp_path, keys_dir=keys_dir, sync_worker=False)
    app = create_app(settings)

    await do_a_check(app)
    assert "kiosk.sqlite3-wal" in database_files(settings)  # the WAL is searched too
    assert found_on_disk(tmp_path) == {}  # sealed at submit: no plaintext ever written

    await sync_once(settings, app, upstream)
    assert found_on_disk(tmp_path) == {}
    assert_the_upstream_can_read_it(upstream)
    assert any(r.name.startswith("kiosk_app.sync") for r in logs.records)  # logs were captured
    assert found_in_logs(logs) == set()


async def test_checks_kept_before_enrolment_are_wiped_once_sealed(
    tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    upstream = FakeUpstream()
    keys_dir = tmp_path / "keys"
    settings = make_settings(tmp_path, keys_dir=keys_dir, sync_worker=False)
    app = create_app(settings)

    await do_a_check(app)
    # Control: not enrolled, so the check is plaintext on disk and the search finds it.
    assert set().union(*found_on_disk(tmp_path).values()) == set(SIGNS)

    enrolment = enroll(
        keys_dir, upstream_url=UPSTREAM_URL, upstream_public_key=upstream.public_key, now=T0
    )
    upstream.register(enrolment.code)
    await sync_once(settings, app, upstream)  # seals, wipes, checkpoints, sends

    assert found_on_disk(tmp_path) == {}
    with app.state.kiosk.engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        row = db.exec_driver_sql("SELECT answers_json, result_json, envelope FROM check_record")
        answers, result, envelope = row.one()
    assert (answers, result) == (None, None)
    assert envelope is None  # acknowledged: the sealed copy is gone too
    assert_the_upstream_can_read_it(upstream)
    assert found_in_logs(logs) == set()
