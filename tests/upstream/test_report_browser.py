"""The report pages in a real headless Chromium: what httpx cannot see.

A browser adds what a test client does not: ``Origin`` headers shaped by
the referrer policy (under ``no-referrer`` Chromium sends ``Origin: null``,
which the sign-in form's check would refuse), SameSite and path rules on
cookies, and CSP enforcement (a refused script or style is a console
error). Served by uvicorn on a loopback port, so cookies go without Secure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from tests.upstream.conftest import PASSWORD, make_user
from tests.upstream.test_report_endpoints import LOOKUPS, store_population
from upstream.main import create_app
from upstream.settings import UpstreamSettings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


@pytest.fixture
def served(
    tmp_path: Path, key_dir: Path, upstream_public_key: bytes
) -> Iterator[tuple[str, FastAPI]]:
    """SQLite only: one database is enough to drive a browser."""
    dsn = f"sqlite:///{tmp_path / 'upstream.sqlite3'}"
    settings = UpstreamSettings(_env_file=None, dsn=dsn, key_dir=key_dir)
    app = create_app(settings.model_copy(update=LOOKUPS))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield url, app
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()
    app.state.upstream.engine.dispose()


async def test_sign_in_read_the_report_and_sign_out_in_chromium(
    served: tuple[str, FastAPI], upstream_public_key: bytes
) -> None:
    url, app = served
    async with httpx.AsyncClient(base_url=url) as client:
        await store_population(app, client, upstream_public_key)
    make_user(app)
    errors: list[str] = []
    async with async_playwright() as playwright:
        try:
            chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except PlaywrightError as error:
            if os.environ.get("CI") == "true":
                raise
            pytest.skip(f"Chromium did not start ({CHROMIUM}): {error}")
        page = await chromium.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        await page.goto(f"{url}/reports/equity")
        assert page.url == f"{url}/login?next=/reports/equity"
        await page.fill("#email", "analyst@example.org")
        await page.fill("#password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{url}/reports/equity")
        heading = await page.inner_text("h1")
        borough = await page.inner_text("#borough + div table")
        await page.click("text=Sign out")
        await page.wait_for_url(f"{url}/login")
        await page.goto(f"{url}/reports/equity")
        after = page.url
        await chromium.close()

    assert heading == "Vital 5 risks by group"
    assert "Ashford Vale" in borough
    assert "Suppressed" in borough
    assert after.startswith(f"{url}/login")
    # No CSP refusals, no script errors; a missing stylesheet (no `make assets`) is allowed.
    assert [e for e in errors if "404" not in e] == []
