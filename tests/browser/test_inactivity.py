"""Walking away: the countdown warning, "I'm still here", and the wipe.

The page's timer runs on Playwright's fake clock (``page.clock``), so twenty
seconds of a resident standing still take a few milliseconds; the server's
own back-stop expiry (timeout + grace, real time) is far away throughout.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, expect

from kiosk_app.web.staff import write_passcode
from tests.browser.conftest import (
    LiveKiosk,
    OpenScreen,
    answer_page,
    path_of,
    post_check,
    shot,
    start_check,
)
from tests.conftest import STAFF_PASSCODE
from tests.web.flow import ORDINARY

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# The shortest the settings allow (Settings: timeout ≥ 20 s, warning ≥ 5 s).
TIMEOUT_S, WARNING_S = 20, 5
TIMEOUT_MESSAGE = "The last check was cleared because nobody touched the screen for a while."


def short_timeout_kiosk(kiosk: Callable[..., LiveKiosk]) -> LiveKiosk:
    return kiosk(inactivity_timeout_s=TIMEOUT_S, inactivity_warning_s=WARNING_S)


async def stop_time(page: Page) -> None:
    """Freeze the page's clock now: from here on time moves only when told.

    ``pause_at`` refuses a time the page's clock has already passed, and on a
    busy machine more than a millisecond can go by between reading the time
    and pausing; so aim a little ahead, a little further each try. The tests
    leave ~1 s of slack around every deadline, more than the last margin.
    """
    for margin_ms in (1, 50, 200, 500):
        now_ms = await page.evaluate("() => Date.now()")
        try:
            await page.clock.pause_at((now_ms + margin_ms) / 1000)  # Unix seconds
        except PlaywrightError as error:
            if "to the past" not in str(error):
                raise
        else:
            return
    raise AssertionError("could not pause the page's clock")


async def tap_centre_of(page: Page, target: Locator) -> None:
    box = await target.bounding_box()
    assert box is not None, "nothing to tap"
    await page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


async def bar_percent(page: Page) -> float:
    width = await page.locator("[data-fill]").evaluate("el => el.style.width")
    match = re.fullmatch(r"([\d.]+)%", width)
    assert match, f"the countdown bar has no width: {width!r}"
    return float(match.group(1))


async def test_warning_counts_down_and_still_here_keeps_the_check(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    live = short_timeout_kiosk(kiosk)
    screen = await open_screen(live)
    page = screen.page
    await page.clock.install()
    await start_check(page)
    await answer_page(page, {"age": "47"})  # typed, not yet sent
    await stop_time(page)
    warning = page.get_by_role("alertdialog", name="Are you still there?")
    count = warning.locator("[data-count]")

    await page.clock.fast_forward((TIMEOUT_S - WARNING_S - 1) * 1000)  # 14 s idle
    await expect(warning).to_be_hidden()
    await page.clock.fast_forward(1500)  # 15.5 s idle: 4.5 s left
    await expect(warning).to_be_visible()
    await expect(count).to_have_text("5")
    await expect(warning.get_by_role("button", name="I'm still here")).to_be_focused()
    first_bar = await bar_percent(page)
    await shot(page, "08-inactivity-warning")

    await page.clock.run_for(2000)  # 2.5 s left
    await expect(count).to_have_text("3")
    second_bar = await bar_percent(page)
    assert 0 < second_bar < first_bar <= 100, (first_bar, second_bar)

    # A raw tap on the button, not Locator.tap(): Playwright's tap refuses to
    # finish because the click lands under the button (the click-through bug,
    # see test_still_here_tap_does_not_reach_the_page_underneath below).
    await tap_centre_of(page, warning.get_by_role("button", name="I'm still here"))
    await expect(warning).to_be_hidden()
    # A fresh 20 s from the tap: without it the check would have ended here.
    await page.clock.fast_forward((TIMEOUT_S - WARNING_S - 1) * 1000)
    await expect(warning).to_be_hidden()
    assert path_of(page) == "/check/age"
    await expect(page.locator("#age")).to_have_value("47")

    # Now the resident walks away for good.
    await page.clock.fast_forward(1500)
    await expect(warning).to_be_visible()
    async with page.expect_navigation():
        await page.clock.run_for(WARNING_S * 1000)
    await expect(page).to_have_url(re.compile(r"/\?cleared=timeout$"))
    await expect(page.get_by_role("status")).to_contain_text(TIMEOUT_MESSAGE)
    assert len(live.app.state.kiosk.sessions) == 0, "the server kept the session"
    # Nothing of the check is reachable any more.
    await page.goto("/check/age")
    assert path_of(page) == "/"
    assert "47" not in await page.locator("main").inner_text()
    await shot(page, "09-start-timeout")
    screen.assert_nothing_went_wrong()


async def test_back_after_timeout_shows_nothing_of_the_previous_resident(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(short_timeout_kiosk(kiosk))
    page = screen.page
    await page.clock.install()
    answers = {**ORDINARY, "age": {"age": "63"}}
    await post_check(screen, answers, bp=({"systolic": "131", "diastolic": "84"},), submit=False)
    # The resident looked at a few pages, ending on the summary of everything.
    private = ("63 years", "131/84", "SE1 7EH", "No, I have never smoked")
    for url in ("/check/age", "/check/height_weight", "/review"):
        await page.goto(url)
    review = await page.locator("main").inner_text()
    for text in private:
        assert text.lower() in review.lower(), f"{text!r} should be on the review page"

    await stop_time(page)
    async with page.expect_navigation():
        await page.clock.fast_forward(TIMEOUT_S * 1000)  # walked away
    await expect(page).to_have_url(re.compile(r"/\?cleared=timeout$"))

    # The next person presses Back, again and again.
    for _ in range(3):
        await page.go_back()
        await expect(page).to_have_url(re.compile(r"/\?cleared=expired$"))
        shown = (await page.content()).lower()
        for text in private:
            assert text.lower() not in shown, f"Back showed {text!r} from the previous resident"
        assert "check your answers" not in shown
    screen.assert_nothing_went_wrong()


async def test_still_here_tap_does_not_reach_the_page_underneath(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(short_timeout_kiosk(kiosk))
    page = screen.page
    await page.clock.install()
    await start_check(page)
    await stop_time(page)
    await page.evaluate(
        """() => window.addEventListener('click', (e) => {
          const onButton = e.target.closest('[data-still-here]');
          window.v5Clicked = onButton ? 'still-here' : e.target.tagName;
        }, {capture: true})"""
    )
    await page.clock.fast_forward((TIMEOUT_S - WARNING_S + 1) * 1000)
    still_here = page.get_by_role("button", name="I'm still here")
    await expect(still_here).to_be_visible()
    await tap_centre_of(page, still_here)
    await expect(still_here).to_be_hidden()
    clicked = await page.evaluate("() => window.v5Clicked")
    assert clicked == "still-here", f"the tap's click went to <{clicked}> under the warning"


async def test_the_pharmacists_list_left_on_screen_warns_then_signs_out(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    live = kiosk(mode="pharmacy", inactivity_timeout_s=TIMEOUT_S, inactivity_warning_s=WARNING_S)
    screen = await open_screen(live)
    assert await post_check(screen, ORDINARY) == "/results"
    page = screen.page
    write_passcode(live.app.state.kiosk.settings.keys_dir, STAFF_PASSCODE)
    await page.clock.install()
    await page.goto("/admin/today")
    await page.get_by_label("Staff passcode").fill(STAFF_PASSCODE)
    await tap_centre_of(page, page.get_by_role("button", name="Sign in"))
    await expect(page.locator("tbody tr")).to_have_count(1)
    await stop_time(page)
    warning = page.get_by_role("alertdialog", name="Are you still there?")

    await page.clock.fast_forward((TIMEOUT_S - WARNING_S + 1) * 1000)
    await expect(warning).to_be_visible()
    async with page.expect_navigation():
        await page.clock.run_for(WARNING_S * 1000)
    await expect(page.get_by_text("You have signed out")).to_be_visible()
    await page.goto("/admin/today")
    assert path_of(page) == "/admin/sign-in"  # signed out: the list needs the passcode again
    screen.assert_nothing_went_wrong()
