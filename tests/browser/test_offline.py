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


async def test_no_web_font_is_requested(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk())
    await screen.page.goto("/")
    fonts = await screen.page.evaluate("() => [...document.fonts].map((f) => f.family)")
    assert fonts == []  # the stylesheet declares no web font at all
    screen.assert_nothing_went_wrong()
