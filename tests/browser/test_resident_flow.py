"""A resident taps through a whole check on the kiosk's touch screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.async_api import expect

from kiosk_app.web.result_text import RAG_WORDS
from tests.browser.conftest import (
    LiveKiosk,
    OpenScreen,
    answer_questions_until,
    path_of,
    post_check,
    shot,
    start_check,
    tap_button,
    tap_through,
)
from tests.web.flow import ORDINARY

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

DOMAINS = ("blood_pressure", "weight", "smoking", "alcohol", "mind")
WORD_FOR = {rag.value: word for rag, word in RAG_WORDS.items()}

# Reports each change of the gauge's number to Python, with whether the gauge
# was on screen; MutationObserver sees every update however fast the cuff is.
WATCH_GAUGE = """() => {
  const gauge = document.getElementById('v5-gauge');
  const value = gauge.querySelector('[data-pressure]');
  new MutationObserver(() => window.v5SawPressure(
    value.textContent, !gauge.hidden && gauge.getClientRects().length > 0,
  )).observe(value, {childList: true, characterData: true, subtree: true});
}"""


async def test_resident_completes_a_check_by_tapping(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk())
    page = screen.page
    await start_check(page)
    await shot(page, "02-question-age")
    visited: list[str] = []
    await answer_questions_until(page, ORDINARY, "/blood-pressure", visited=visited)

    # ---- The cuff, with its live gauge ----
    await expect(page.get_by_role("heading", level=1)).to_have_text("Blood pressure")
    gauge = page.locator("#v5-gauge")
    await expect(gauge).to_be_hidden()
    seen: list[tuple[str, bool]] = []
    await page.expose_function("v5SawPressure", lambda text, shown: seen.append((text, shown)))
    await page.evaluate(WATCH_GAUGE)
    await shot(page, "03-bp-before")
    # The page reloads itself when the cuff reports the reading.
    await tap_through(page, page.get_by_role("button", name="Start measuring"))
    assert path_of(page) == "/blood-pressure"
    pressures = [int(text) for text, _ in seen]
    assert len(set(pressures)) >= 3, f"the gauge number hardly moved: {pressures}"
    assert max(pressures) > 126, f"the cuff never inflated past systolic: {pressures}"
    assert all(shown for _, shown in seen), "the gauge was not on screen while measuring"
    # The default simulator script measures 126/79/68 (device_drivers/simulator.py).
    await expect(page.locator(".v5-reading")).to_have_count(1)
    await expect(page.locator(".v5-reading")).to_contain_text("126/79")
    complete = page.get_by_text("We have all the blood pressure readings we need")
    await expect(complete).to_be_visible()
    await shot(page, "04-bp-complete")
    await tap_button(page, "Continue")

    await answer_questions_until(page, ORDINARY, "/review", visited=visited)
    assert visited == list(ORDINARY), "the check skipped or repeated a question"
    review = page.locator("main")
    await expect(review).to_contain_text("126/79 mmHg")
    await expect(review).to_contain_text("47 years")
    await tap_button(page, "See my results")

    # ---- Results: five cards, each with a word, not only a colour ----
    assert path_of(page) == "/results"
    cards = page.locator("section.v5-result")
    await expect(cards).to_have_count(5)
    # 126/79 is high-normal (above 120/80, rule B5); BMI 25.7 is overweight on
    # the lower (Black African) thresholds; never smoked; AUDIT-C 1; PHQ-4 0.
    expected = {
        "blood_pressure": "Take care",
        "weight": "Take care",
        "smoking": "Healthy",
        "alcohol": "Healthy",
        "mind": "Healthy",
    }
    for domain in DOMAINS:
        tag = page.locator(f"#result-{domain} .v5-rag")
        await expect(tag).to_be_visible()
        await expect(tag).to_have_text(expected[domain])
        rag = await tag.get_attribute("data-rag")
        assert rag is not None
        assert WORD_FOR[rag] == expected[domain], f"{domain}: {rag} shown as {expected[domain]}"
    results_text = await page.locator("main").inner_text()
    assert "Your blood pressure: 126/79 mmHg" in results_text
    assert "Your BMI (body mass index): 25.7" in results_text
    await shot(page, "05-results")

    # ---- Finish: the screen is wiped for the next person ----
    await tap_button(page, "Finish and clear my answers")
    assert path_of(page) == "/"
    await expect(page.get_by_role("status")).to_contain_text("The last check has been cleared")
    await shot(page, "06-start-cleared")

    # The next person presses Back: nothing of the previous check comes back.
    await page.go_back()
    await expect(page).to_have_url(re.compile(r"/\?cleared=expired$"))
    shown = await page.content()
    for private in ("126/79", "25.7", "Your Vital 5 results", "Your BMI", "Take care"):
        assert private not in shown, f"Back showed {private!r} from the previous resident"
    screen.assert_nothing_went_wrong()


async def test_failed_cuff_reading_explains_in_plain_words(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk(simulator_script=("error:loose_cuff",)))
    page = screen.page
    await post_check(screen, ORDINARY, stop_at="/blood-pressure")
    await page.goto("/blood-pressure")
    await tap_through(page, page.get_by_role("button", name="Start measuring"))

    assert path_of(page) == "/blood-pressure"
    failure = page.get_by_role("alert")
    await expect(failure).to_contain_text("No reading this time")
    await expect(failure).to_contain_text(
        "The reading did not work because the cuff was loose. Pull the cuff so it is snug"
    )
    failure_text = await failure.inner_text()
    assert not re.search(r"\d", failure_text), f"numbers in the failure message: {failure_text}"
    # No reading was recorded and no number is on screen.
    await expect(page.locator(".v5-reading")).to_have_count(0)
    await expect(page.locator("#v5-gauge")).to_be_hidden()
    main_text = await page.locator("main").inner_text()
    assert "mmHg" not in main_text
    assert not re.search(r"\d{2,3}\s*/\s*\d{2,3}", main_text), main_text
    # The resident can try again or type a reading in.
    await expect(page.get_by_role("button", name="Start measuring")).to_be_visible()
    await expect(page.get_by_role("link", name="Type in a reading instead")).to_be_visible()
    await shot(page, "07-bp-failed")
    screen.assert_nothing_went_wrong()
