"""Pharmacy mode: today's checks on a staff page, in memory, gone at midnight."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from tests.conftest import make_settings, sign_in_staff
from tests.web.flow import UNHEALTHY, complete


class Today:
    def __init__(self) -> None:
        self.day = date(2026, 11, 26)

    def __call__(self) -> date:
        return self.day


def pharmacy(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, mode="pharmacy")


@pytest.fixture
def today() -> Today:
    return Today()


async def test_the_pharmacist_sees_todays_checks_newest_first(tmp_path: Path, today: Today) -> None:
    settings = pharmacy(tmp_path)
    app = create_app(settings, today=today)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as resident:
        assert await complete(resident) == "/results"
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as resident:
        assert await complete(resident, UNHEALTHY) == "/results"
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as staff:
        assert (await staff.get("/admin/today")).status_code == 303  # staff only
        await sign_in_staff(staff, settings.keys_dir)
        page = await staff.get("/admin/today")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "2 checks today" in html
    rows = html.split('data-record="')[1:]
    assert len(rows) == 2
    # Newest first: the unhealthy resident (a smoker, AUDIT-C 12, BMI 40.4).
    assert "smoker" in rows[0]
    assert "AUDIT-C 12" in rows[0]
    assert "Act now" in rows[0]
    assert "non-smoker" in rows[1]
    assert 'role="img"' in html  # each summary code also as a QR code
    # Only results: never the postcode the ordinary resident typed.
    assert "SE1 7EH" not in html
    assert "se1 7eh" not in html
    # Left on screen, it warns, then signs staff out (no bare timed refresh).
    assert 'id="v5-timeout-end" method="post" action="/admin/sign-out"' in html
    assert 'data-keepalive-url=""' in html


async def test_the_list_empties_when_the_date_changes(tmp_path: Path, today: Today) -> None:
    settings = pharmacy(tmp_path)
    app = create_app(settings, today=today)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as resident:
        await complete(resident)
    assert len(app.state.kiosk.today) == 1
    today.day = date(2026, 11, 27)
    assert len(app.state.kiosk.today) == 0
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as staff:
        await sign_in_staff(staff, settings.keys_dir)
        assert "No checks yet today." in (await staff.get("/admin/today")).text


@pytest.mark.parametrize("mode", ["kiosk", "outreach"])
async def test_other_modes_keep_no_list(tmp_path: Path, today: Today, mode: str) -> None:
    settings = make_settings(tmp_path, mode=mode)
    app = create_app(settings, today=today)
    assert app.state.kiosk.today is None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as resident:
        await complete(resident)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as staff:
        await sign_in_staff(staff, settings.keys_dir)
        assert (await staff.get("/admin/today")).status_code == 404
        assert "Today's checks" not in (await staff.get("/admin/status")).text
