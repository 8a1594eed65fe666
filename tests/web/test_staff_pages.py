"""Staff pages need a staff sign-in (routes/staff_sign_in.py, web/staff.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from kiosk_app.web.staff import LOCKOUT_S, MAX_FAILURES, STAFF_COOKIE, write_passcode
from tests.conftest import make_settings

PASSCODE = "pharmacy-7731"
STAFF_PAGES = ("/admin/status", "/admin/languages")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, staff_idle_s=900)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk") as client:
        yield client


async def sign_in(client: httpx.AsyncClient, passcode: str, next_page: str) -> httpx.Response:
    return await client.post("/admin/sign-in", data={"passcode": passcode, "next": next_page})


@pytest.mark.parametrize("page", STAFF_PAGES)
async def test_a_staff_page_asks_for_the_passcode_then_shows(
    client: httpx.AsyncClient, settings: Settings, page: str
) -> None:
    write_passcode(settings.keys_dir, PASSCODE)
    asked = await client.get(page)
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/admin/sign-in?next={page.replace('/', '%2F')}"
    form = await client.get(asked.headers["location"])
    assert 'name="passcode"' in form.text
    assert f'name="next" value="{page}"' in form.text

    signed_in = await sign_in(client, PASSCODE, page)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == page
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/admin" in cookie
    shown = await client.get(page)
    assert shown.status_code == 200
    assert "Sign out of staff pages" in shown.text
    assert shown.headers["cache-control"] == "no-store"


async def test_no_passcode_set_locks_the_staff_pages_and_says_how_to_set_one(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/admin/sign-in")
    assert "vital5 staff set-passcode" in page.text
    assert 'name="passcode"' not in page.text
    tried = await sign_in(client, PASSCODE, "/admin/status")
    assert tried.status_code == 400
    assert STAFF_COOKIE not in tried.headers.get("set-cookie", "")
    assert (await client.get("/admin/status")).status_code == 303


async def test_a_wrong_or_empty_passcode_is_said_plainly(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    write_passcode(settings.keys_dir, PASSCODE)
    wrong = await sign_in(client, "pharmacy-7732", "/admin/status")
    assert wrong.status_code == 400
    assert "The passcode is not right" in wrong.text
    assert "There is a problem" in wrong.text
    assert "pharmacy-7732" not in wrong.text  # never echoed back
    empty = await sign_in(client, "", "/admin/status")
    assert "Enter the passcode" in empty.text
    assert (await client.get("/admin/status")).status_code == 303


async def test_five_wrong_passcodes_lock_even_the_right_one_for_five_minutes(
    client: httpx.AsyncClient, settings: Settings, clock: Clock
) -> None:
    write_passcode(settings.keys_dir, PASSCODE)
    for _ in range(MAX_FAILURES):
        assert (await sign_in(client, "guess-guess", "/admin/status")).status_code == 400
    locked = await sign_in(client, PASSCODE, "/admin/status")
    assert locked.status_code == 429
    assert "Try again in 5 minutes" in locked.text
    clock.now += LOCKOUT_S
    assert (await sign_in(client, PASSCODE, "/admin/status")).status_code == 303


async def test_idle_staff_sessions_end_and_sign_out_ends_one(
    client: httpx.AsyncClient, settings: Settings, clock: Clock
) -> None:
    write_passcode(settings.keys_dir, PASSCODE)
    await sign_in(client, PASSCODE, "/admin/status")
    clock.now += 899
    assert (await client.get("/admin/status")).status_code == 200
    clock.now += 900
    assert (await client.get("/admin/status")).status_code == 303
    await sign_in(client, PASSCODE, "/admin/status")
    out = await client.post("/admin/sign-out")
    assert out.headers["location"] == "/admin/sign-in?signed_out=true"
    assert (await client.get("/admin/status")).status_code == 303
    assert "You have signed out" in (await client.get(out.headers["location"])).text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/results",
        "/admin/sign-in",
        "/admin/../results",
        "/admin/status?x=//evil.example",
    ],
)
async def test_after_sign_in_only_a_staff_page_on_this_kiosk(
    client: httpx.AsyncClient, settings: Settings, target: str
) -> None:
    write_passcode(settings.keys_dir, PASSCODE)
    signed_in = await sign_in(client, PASSCODE, target)
    assert signed_in.headers["location"] == "/admin/status"


async def test_a_resident_session_is_not_a_staff_session(client: httpx.AsyncClient) -> None:
    started = await client.post("/start", data={"language": "en"})
    assert started.status_code == 303
    assert (await client.get("/admin/languages")).status_code == 303
    client.cookies.set(STAFF_COOKIE, "made-up-token")
    assert (await client.get("/admin/languages")).status_code == 303


async def test_healthz_stays_open_for_monitoring(client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
