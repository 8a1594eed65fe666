"""The kiosk works with no internet: nothing on its pages reaches beyond it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import LiveKiosk, OpenScreen

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def test_pages_reach_nothing_beyond_the_kiosk(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk())
    for url in ("/", "/?cleared=finish"):
        await screen.page.goto(url)
    screen.assert_nothing_went_wrong()


@pytest.mark.xfail(
    strict=True,
    # Only the assertion about the bug may fail; anything else is a real failure.
    raises=AssertionError,
    reason=(
        "App issue: nhsuk-frontend.min.css declares @font-face Frutiger W01 at "
        "https://assets.nhs.uk/fonts/; Chromium tries it under the kiosk CSP and logs a "
        "CSP refusal per font file on every page. Fix in kiosk_app (compile the CSS "
        "with $nhsuk-font-family: (arial, sans-serif), or serve it without the "
        "@font-face rules); then delete this marker and KNOWN_FONT_REFUSAL."
    ),
)
async def test_no_web_font_is_requested(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk())
    await screen.page.goto("/")
    assert screen.font_refusals == []
