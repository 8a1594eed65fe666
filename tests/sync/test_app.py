"""The kiosk app with sync: sealing at submit, /healthz figures, the worker's lifespan."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import httpx
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from kiosk_app.sync import crypto
from kiosk_app.sync.enrolment import Enrolment
from tests.conftest import make_settings
from tests.sync.fake_upstream import FakeUpstream
from tests.web.flow import complete


def rows(settings: Settings) -> list[tuple[object, ...]]:
    db = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    try:
        return db.execute(
            "SELECT id, answers_json, result_json, envelope, sync_state FROM check_record"
        ).fetchall()
    finally:
        db.close()


async def check_and_health(app: FastAPI) -> dict[str, object]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        assert await complete(client) == "/results"
        health: dict[str, object] = (await client.get("/healthz")).json()
        return health


async def test_an_enrolled_kiosk_stores_only_the_sealed_record(
    sync_settings: Settings, enrolled: Enrolment, upstream: FakeUpstream
) -> None:
    health = await check_and_health(create_app(sync_settings))
    [(record_id, answers, result, envelope, state)] = rows(sync_settings)
    assert (answers, result, state) == (None, None, "pending")
    assert isinstance(envelope, str)
    opened = upstream.open(envelope)
    assert opened["id"] == record_id
    assert opened["answers"]["about"]["age"] == 47  # type: ignore[index]
    assert opened["result"]["schema"] == "vital5.score.v1"  # type: ignore[index]
    assert set(opened) == {
        "id",
        "completed_at",
        "site_id",
        "mode",
        "form_id",
        "form_version",
        "answers",
        "result",
    }
    assert health["records_pending_sync"] == 1
    sync = health["sync"]
    assert isinstance(sync, dict)
    assert sync["enrolled"] is True
    assert sync["device_id"] == enrolled.device_id
    assert (sync["pending"], sync["unsealed"], sync["worker"]) == (1, 0, "stopped")
    assert sync["oldest_pending_age_s"] is not None


async def test_healthz_before_enrolment(sync_settings: Settings) -> None:
    health = await check_and_health(create_app(sync_settings))
    assert health["sync"] == {
        "enrolled": False,
        "device_id": None,
        "enrolment_error": None,
        "worker": "stopped",
        "pending": 1,
        "unsealed": 1,
        "oldest_pending_age_s": health["sync"]["oldest_pending_age_s"],  # type: ignore[index]
        "sending": 0,
        "acknowledged": 0,
        "rejected": {},
        "last_success_at": None,
        "last_error": None,
        "last_error_at": None,
    }
    [(_, answers, _, envelope, _)] = rows(sync_settings)
    assert json.loads(str(answers))["about"]["age"] == 47
    assert envelope is None


async def test_a_broken_key_keeps_the_check_and_tells_staff(
    sync_settings: Settings, enrolled: Enrolment, keys_dir: Path
) -> None:
    # The resident still gets results and the check is kept (as before
    # enrolment); staff see why it is not sealed, and the worker seals it
    # once the key is safe again.
    (keys_dir / crypto.KEY_FILE).chmod(0o644)
    health = await check_and_health(create_app(sync_settings))
    sync = health["sync"]
    assert isinstance(sync, dict)
    assert sync["enrolled"] is False
    assert "readable or writable by others" in str(sync["enrolment_error"])
    assert sync["unsealed"] == 1


async def test_the_worker_runs_for_the_app_lifespan(tmp_path: Path, keys_dir: Path) -> None:
    app = create_app(make_settings(tmp_path, keys_dir=keys_dir, sync_worker=True))
    hub = app.state.sync
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.05)
        assert hub.running
        assert hub.health()["worker"] == "running"
    assert not hub.running


async def test_the_worker_can_be_turned_off(sync_settings: Settings) -> None:
    app = create_app(sync_settings)
    async with app.router.lifespan_context(app):
        assert not app.state.sync.running
