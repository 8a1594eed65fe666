"""Shared fixtures: a real kiosk app on a real SQLite file, per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from kiosk_app.web.staff import write_passcode


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A developer's own VITAL5_* variables must not change test results.
    for key in list(os.environ):
        if key.startswith("VITAL5_"):
            monkeypatch.delenv(key)
    return


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'kiosk.sqlite3'}",
        # The simulated cuff at 1000× speed: a whole reading in well under a second.
        "simulator_speed": 1000.0,
        # Never the developer's own enrolment in var/keys; tests that sync
        # enrol into their own folder and start the worker themselves.
        "keys_dir": tmp_path / "keys",
        "sync_worker": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


STAFF_PASSCODE = "test-staff-passcode"


async def sign_in_staff(client: httpx.AsyncClient, keys_dir: Path) -> None:
    """Set this kiosk's staff passcode and sign ``client`` in to the staff pages."""
    write_passcode(keys_dir, STAFF_PASSCODE)
    response = await client.post("/admin/sign-in", data={"passcode": STAFF_PASSCODE})
    assert response.status_code == 303, response.text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as c:
        yield c
