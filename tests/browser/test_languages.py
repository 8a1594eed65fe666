"""Languages in a real Chromium: right-to-left layout, axe in three languages,
and switching language in the middle of a check.

The RTL checks measure the laid-out page, not the markup: where the radio
inputs and their drawn circles are, and the on-screen order of a phone
number's digit groups (a right-to-left paragraph reverses them unless the
number is isolated as a left-to-right run). A screenshot of the Arabic
results page is saved to $TMPDIR/vital5-rtl-results-ar.png for a person to
look at; it is not committed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.axe import AxeAudit
from tests.browser.conftest import LiveKiosk, OpenScreen, Screen, path_of, tap_through
from tests.i18n.catalogs import compile_catalogs
from tests.web.flow import ORDINARY

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

SCREENSHOT = Path(tempfile.gettempdir()) / "vital5-rtl-results-ar.png"
# Thoughts of self-harm and a very high reading: the urgent page, crisis
# lines and services with phone numbers on the results.
URGENT = {
    **ORDINARY,
    "smoking": {"smoking_status": "current"},
    "cigarettes": {"cigarettes_per_day": "20"},
    "mind_self_harm": {"self_harm_thoughts": "yes"},
}
SEVERE_BP = ({"systolic": "185", "diastolic": "125"},)


@pytest.fixture(scope="module")
def locale_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed catalogs, compiled for these tests whatever `make i18n` last built."""
    return compile_catalogs(tmp_path_factory.mktemp("i18n"))


# ---- Moving through the kiosk in any language (no English button names) ---------


async def tap_continue(page: Page) -> None:
    """The page's main form button (Continue, in whatever language)."""
    await tap_through(page, page.locator("main form button.nhsuk-button").first)


async def start_in(page: Page, language: str) -> None:
    """Start page in ``language``, Start now, agree, Continue: the first question."""
    await page.goto(f"/?lang={language}")
    await tap_through(page, page.locator("button.v5-start"))
    assert path_of(page) == "/consent"
    await page.locator('label[for="consent"]').tap()
    await tap_continue(page)
    assert path_of(page) == "/check/age"


async def post_from(
    screen: Screen,
    url: str,
    answers: Mapping[str, Mapping[str, str]],
    *,
    bp: tuple[Mapping[str, str], ...] = (),
    stop_at: str | None = None,
) -> str:
    """Answer over HTTP in this screen's session (its language stays), from
    ``url`` until ``stop_at``, or through the review page to the results."""
    request = screen.context.request

    async def post(target: str, form: Mapping[str, str]) -> str:
        response = await request.post(target, form=dict(form))
        assert response.ok, (target, response.status)
        return urlsplit(response.url).path

    for _ in range(40):
        if url == stop_at:
            return url
        if url == "/review":
            return await post("/submit", {})
        if url == "/blood-pressure":
            for reading in bp:
                await post("/blood-pressure/manual", reading)
            url = await post("/blood-pressure/done", {})
        else:
            url = await post(url, answers[url.removeprefix("/check/")])
    raise AssertionError(f"never reached {stop_at}")


# ---- Measuring the laid-out page -------------------------------------------------

_CHOICE_BOXES = """(item) => {
  const box = (r) => [r.left, r.right];
  const input = item.querySelector("input"), label = item.querySelector("label");
  const at = item.getBoundingClientRect();
  // The drawn circle or square is the label's ::before, placed in the item.
  const drawn = getComputedStyle(label, "::before");
  const left = at.left + parseFloat(drawn.left);
  return {input: box(input.getBoundingClientRect()), label: box(label.getBoundingClientRect()),
          drawn: [left, left + parseFloat(drawn.width)]};
}"""

# Every phone-number-like run in the element's text (as ltr_runs matches
# them), with where each of its digit groups is drawn, in reading order.
_PHONE_NUMBERS = """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/(?<![0-9])[0-9][0-9 \\u00a0]{3,}[0-9](?![0-9])/g)) {
      const lefts = [];
      for (const g of m[0].matchAll(/[0-9]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index + g.index);
        range.setEnd(node, m.index + g.index + g[0].length);
        lefts.push(range.getBoundingClientRect().left);
      }
      found.push({number: m[0], lefts});
    }
  }
  return found;
}"""


async def choice_boxes(items: Locator) -> list[dict[str, Any]]:
    return [await items.nth(i).evaluate(_CHOICE_BOXES) for i in range(await items.count())]


async def assert_controls_on_the_right(items: Locator) -> None:
    boxes = await choice_boxes(items)
    assert boxes, "no radios or checkboxes on the page"
    for box in boxes:
        (input_left, input_right), (_, label_right) = box["input"], box["label"]
        assert input_left >= label_right - 1, f"input not right of its label: {box}"
        drawn_left, drawn_right = box["drawn"]
        assert input_left - 2 <= drawn_left, f"the drawn control is off the input: {box}"
        assert drawn_right <= input_right + 2, f"the drawn control is off the input: {box}"


async def phone_numbers(element: Locator) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await element.evaluate(_PHONE_NUMBERS)
    return found


async def assert_phone_numbers_in_reading_order(element: Locator) -> list[str]:
    """Every phone number's digit groups are drawn left to right."""
    found = await phone_numbers(element)
    wrong = [f["number"] for f in found if f["lefts"] != sorted(f["lefts"])]
    assert not wrong, f"drawn in the wrong order (isolate them with ltr_runs): {wrong}"
    return [f["number"] for f in found]


def assert_only_expected_errors(screen: Screen) -> None:
    """Nothing went wrong but the 400s of the error pages this test asked for."""
    assert not screen.script_errors, screen.script_errors
    assert not screen.offsite_requests, screen.offsite_requests
    unexpected = [e for e in screen.console_errors if "status of 400" not in e]
    assert not unexpected, unexpected


# ---- The tests ---------------------------------------------------------------------


async def test_arabic_pages_are_mirrored_and_phone_numbers_read_in_order(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen, locale_dir: Path
) -> None:
    screen = await open_screen(kiosk(locale_dir=locale_dir))
    page = screen.page
    await start_in(page, "ar")
    html = page.locator("html")
    await expect(html).to_have_attribute("dir", "rtl")
    await expect(html).to_have_attribute("lang", "ar")

    # A number box with its suffix: the box on the right, "years" to its left.
    box = await page.locator("#age").bounding_box()
    suffix = await page.locator(".nhsuk-input-wrapper__suffix").bounding_box()
    assert box
    assert suffix
    assert suffix["x"] + suffix["width"] <= box["x"] + 1
    # The back link and its chevron on the right.
    back = await page.locator(".nhsuk-back-link").bounding_box()
    heading = await page.locator("h1").first.bounding_box()
    assert back
    assert heading
    assert back["x"] + back["width"] >= heading["x"] + heading["width"] - 2

    # Unusual age: a checkbox to confirm.
    await page.locator("#age").fill("105")
    await tap_continue(page)
    await assert_controls_on_the_right(page.locator(".nhsuk-checkboxes__item"))
    await page.locator('label[for="confirm_age"]').tap()
    await tap_continue(page)
    assert path_of(page) == "/check/sex"
    await assert_controls_on_the_right(page.locator(".nhsuk-radios__item"))

    # The measurement itself sees a reversed number: without isolation, an
    # RTL paragraph draws "0800 731 2864" as "2864 731 0800".
    await page.evaluate(
        """() => { const p = document.createElement("p");
                   p.id = "v5-probe"; p.textContent = "اتصل 0800 731 2864 الآن";
                   document.querySelector("main").append(p); }"""
    )
    (probe,) = await phone_numbers(page.locator("#v5-probe"))
    assert probe["lefts"] == sorted(probe["lefts"], reverse=True), probe

    # To the results, with crisis lines and services to call.
    await page.locator('label[for="sex"]').tap()
    await tap_continue(page)
    landed = await post_from(screen, path_of(page), URGENT, bp=SEVERE_BP, stop_at="/results")
    assert landed == "/results/urgent"
    for url in ("/results/urgent", "/results"):
        await page.goto(url)
        await expect(html).to_have_attribute("dir", "rtl")
        numbers = await assert_phone_numbers_in_reading_order(page.locator("main"))
        assert len(numbers) >= 2, f"no phone numbers on {url} to check"
    # The result cards' coloured edge is on the right.
    card = page.locator(".v5-result").first
    edges = await card.evaluate(
        "(el) => { const s = getComputedStyle(el); "
        "return [parseFloat(s.borderRightWidth), parseFloat(s.borderLeftWidth)]; }"
    )
    assert edges[0] > edges[1], edges
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert_only_expected_errors(screen)


@pytest.mark.parametrize("language", ["en", "es", "ar"])
async def test_axe_is_clean_in_each_language(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen, locale_dir: Path, language: str
) -> None:
    screen = await open_screen(kiosk(locale_dir=locale_dir), bypass_csp=True)
    page = screen.page
    audit = AxeAudit()

    await page.goto(f"/?lang={language}")
    await audit.check(page, f"{language}: start")
    await start_in(page, language)
    await tap_continue(page)  # nothing entered
    await expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    await audit.check(page, f"{language}: question with an error")

    url = await post_from(screen, "/check/age", ORDINARY, stop_at="/blood-pressure")
    await page.goto(url)
    await audit.check(page, f"{language}: blood pressure")
    reading = ({"systolic": "128", "diastolic": "82"},)
    assert await post_from(screen, url, ORDINARY, bp=reading, stop_at="/review") == "/review"
    await page.goto("/review")
    await audit.check(page, f"{language}: review")
    assert await post_from(screen, "/review", ORDINARY) == "/results"
    await page.goto("/results")
    await audit.check(page, f"{language}: results")

    audit.assert_clean()
    assert len(audit.checked) == 5, audit.checked


async def test_changing_language_mid_check_keeps_the_answers(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen, locale_dir: Path
) -> None:
    live = kiosk(locale_dir=locale_dir)
    screen = await open_screen(live)
    page = screen.page
    await start_in(page, "en")
    await page.locator("#age").fill("47")
    await tap_continue(page)
    assert path_of(page) == "/check/sex"

    # The header's language link, then Español.
    await tap_through(page, page.locator(".v5-language-link"))
    assert path_of(page) == "/language"
    await tap_through(page, page.get_by_role("link", name="Español", exact=True))
    assert path_of(page) == "/check/sex"
    await expect(page.locator("html")).to_have_attribute("lang", "es")

    # Back to the age question: the typed age is still there, in Spanish.
    await tap_through(page, page.locator(".nhsuk-back-link"))
    assert path_of(page) == "/check/age"
    await expect(page.locator("#age")).to_have_value("47")
    spanish = live.app.state.kiosk.catalogs.gettext("es", "How old are you?")
    assert spanish != "How old are you?"
    await expect(page.get_by_role("heading", level=1)).to_have_text(spanish)
    assert_only_expected_errors(screen)
