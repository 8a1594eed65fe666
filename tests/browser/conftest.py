"""Fixtures for the real-browser tests: a live kiosk and a touch-screen Chromium.

* ``kiosk(**overrides)`` starts the real app (``create_app``) under uvicorn on a
  free loopback port, in a background thread, with its own SQLite file and the
  simulated cuff at :data:`SIMULATOR_SPEED`; every server stops at teardown.
* ``browser`` is one headless Debian Chromium for all the browser tests.
* ``open_screen(kiosk)`` gives a fresh portrait touch-screen context and page,
  and records what would be wrong on a real kiosk whatever the page looks like:
  script errors, console errors (CSP refusals land there) and any attempt to
  reach beyond the kiosk itself (a kiosk may be offline).

The tests use Playwright's async API in the session's event loop: the sync
API would leave its own loop marked as running between calls, which breaks
every pytest-asyncio test that runs after it.

The helpers below move through the kiosk the way a resident does, by tapping.
Set ``V5_SHOTS_DIR=/some/dir`` to also save screenshots of key screens.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Route,
    ViewportSize,
    async_playwright,
    expect,
)

from kiosk_app.main import create_app
from tests.conftest import make_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# A portrait touch screen, as on the kiosk stand.
VIEWPORT: ViewportSize = {"width": 1080, "height": 1920}
# The simulated cuff sends ~38 pressure updates for a 126/79 reading, one per
# 0.5 s / speed: at 20× the gauge moves for about a second.
SIMULATOR_SPEED = 20.0
ACTION_TIMEOUT_MS = 10_000
SHOTS_DIR = os.environ.get("V5_SHOTS_DIR")


# ---- The live kiosk ------------------------------------------------------------


@dataclass
class LiveKiosk:
    url: str
    app: FastAPI


class _ServerThread:
    """uvicorn in a background thread, on a loopback socket bound up front
    (port 0: the OS picks a free port, and nothing can take it in between)."""

    def __init__(self, app: FastAPI) -> None:
        # IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on sockets whose
        # protocol says TCP, and without it every reused connection waits ~40 ms
        # for a delayed ACK.
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws="none",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.socket]},
            name=f"kiosk-{port}",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the kiosk server did not start on {self.url}")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=15)
        self.socket.close()
        assert not self.thread.is_alive(), f"the kiosk server on {self.url} did not stop"


@pytest.fixture
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveKiosk]]:
    """Start a live kiosk with ``make_settings`` overrides; stopped at teardown."""
    servers: list[_ServerThread] = []

    def start(**overrides: object) -> LiveKiosk:
        values: dict[str, object] = {"simulator_speed": SIMULATOR_SPEED, **overrides}
        app = create_app(make_settings(tmp_path_factory.mktemp("kiosk"), **values))
        server = _ServerThread(app)
        server.start()
        servers.append(server)
        return LiveKiosk(url=server.url, app=app)

    yield start
    for server in servers:
        server.stop()


# ---- The browser ---------------------------------------------------------------


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Debian Chromium for the whole browser suite."""
    playwright = None
    try:
        playwright = await async_playwright().start()
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        if playwright is not None:
            await playwright.stop()
        message = f"Chromium did not start ({CHROMIUM}): {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}\nCI must run the browser tests.", pytrace=False)
        pytest.skip(f"{message}\n`make test` installs Debian's chromium (make browser-deps).")
    yield chromium
    await chromium.close()
    await playwright.stop()


@dataclass
class Screen:
    """One resident's touch screen: a page and what went wrong behind it."""

    page: Page
    context: BrowserContext
    script_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)

    def assert_nothing_went_wrong(self) -> None:
        def listed(items: list[str]) -> str:
            unique = list(dict.fromkeys(items))
            return "".join(f"\n  {item}" for item in unique[:10]) + (
                f"\n  … and {len(unique) - 10} more" if len(unique) > 10 else ""
            )

        assert not self.script_errors, f"JavaScript errors:{listed(self.script_errors)}"
        assert not self.console_errors, f"console errors:{listed(self.console_errors)}"
        assert not self.offsite_requests, (
            f"the kiosk reached beyond itself (it may be offline):{listed(self.offsite_requests)}"
        )


OpenScreen = Callable[..., Awaitable[Screen]]


@pytest_asyncio.fixture(loop_scope="session")
async def open_screen(browser: Browser) -> AsyncIterator[OpenScreen]:
    """``await open_screen(kiosk, bypass_csp=False)``: a new context per call."""
    contexts: list[BrowserContext] = []

    async def open_(kiosk: LiveKiosk, *, bypass_csp: bool = False) -> Screen:
        context = await browser.new_context(
            base_url=kiosk.url,
            viewport=VIEWPORT,
            has_touch=True,
            locale="en-GB",
            timezone_id="Europe/London",
            # axe-core is injected as an inline script, which the kiosk's
            # Content-Security-Policy rightly refuses; only the axe tests bypass it.
            bypass_csp=bypass_csp,
        )
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = await context.new_page()
        screen = Screen(page=page, context=context)

        async def refuse_offsite(route: Route) -> None:
            screen.offsite_requests.append(route.request.url)
            await route.abort()

        await context.route(re.compile(r"^(?!" + re.escape(kiosk.url) + r"/)"), refuse_offsite)
        page.on("pageerror", lambda exc: screen.script_errors.append(f"{page.url}: {exc}"))

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type != "error":
                return
            where = urlsplit(page.url).path
            screen.console_errors.append(f"{where}: {msg.text}")

        page.on("console", on_console)
        return screen

    yield open_
    for context in contexts:
        await context.close()


# ---- Moving through the kiosk like a resident ----------------------------------


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


async def tap_through(page: Page, target: Locator) -> None:
    """Tap something that loads a new page, and wait until it has loaded."""
    async with page.expect_navigation():
        await target.tap()


async def tap_button(page: Page, name: str) -> None:
    await tap_through(page, page.get_by_role("button", name=name, exact=True))


async def answer_page(page: Page, answers: Mapping[str, str]) -> None:
    """Tap the radio labels and type into the boxes on this page (no Continue)."""
    for name, value in answers.items():
        radio = page.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
        if await radio.count():
            radio_id = await radio.get_attribute("id")
            await page.locator(f'label[for="{radio_id}"]').tap()
            await expect(radio).to_be_checked()
        else:
            box = page.locator(f'input[name="{name}"]:not([type="hidden"])')
            await box.tap()
            await box.fill(value)


async def start_check(page: Page) -> None:
    """From the start page: Start now, agree, Continue; lands on the first question."""
    await page.goto("/")
    await tap_button(page, "Start now")
    assert path_of(page) == "/consent"
    await answer_page(page, {"consent": "yes"})
    await tap_button(page, "Continue")
    assert path_of(page) == "/check/age"


async def answer_questions_until(
    page: Page,
    answers: Mapping[str, Mapping[str, str]],
    stop_at: str,
    *,
    visited: list[str] | None = None,
) -> None:
    """Answer each question page in turn (tapping Continue) until ``stop_at``."""
    for _ in range(40):
        here = path_of(page)
        if here == stop_at:
            return
        assert here.startswith("/check/"), f"unexpected page {here} before {stop_at}"
        step_id = here.removeprefix("/check/")
        if visited is not None:
            visited.append(step_id)
        await answer_page(page, answers[step_id])
        await tap_button(page, "Continue")
        assert path_of(page) != here, f"{here} did not accept {answers[step_id]}"
    raise AssertionError(f"never reached {stop_at}")


async def post_check(
    screen: Screen,
    answers: Mapping[str, Mapping[str, str]],
    *,
    bp: Sequence[Mapping[str, str]] = (),
    submit: bool = True,
    stop_at: str | None = None,
) -> str:
    """Fill a check over HTTP in this screen's session (cookies shared), for
    tests about what comes after: up to ``stop_at``, or the review page, or
    (``submit``) through it; returns the path the kiosk sends to next."""
    request = screen.context.request

    async def post(url: str, form: Mapping[str, str]) -> str:
        response = await request.post(url, form=dict(form))
        assert response.ok, (url, response.status, (await response.text())[:300])
        return urlsplit(response.url).path

    await post("/start", {"language": "en"})
    url = await post("/consent", {"consent": "yes"})
    for _ in range(40):
        if url == stop_at:
            return url
        if url == "/review":
            return await post("/submit", {}) if submit else url
        if url == "/blood-pressure":
            for reading in bp:
                assert await post("/blood-pressure/manual", reading) == "/blood-pressure"
            url = await post("/blood-pressure/done", {})
            continue
        url = await post(url, answers[url.removeprefix("/check/")])
    raise AssertionError("the check did not reach the review page")


async def shot(page: Page, name: str) -> None:
    """Save a screenshot when V5_SHOTS_DIR is set (for a human to look at)."""
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS_DIR) / f"{name}.png"), full_page=True)
