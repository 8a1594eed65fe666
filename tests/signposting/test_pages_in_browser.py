"""The pages with signposts in a real browser: axe finds nothing, the Print
button works under the kiosk's CSP, and the QR codes show.

Browser tests (``-m browser``), run with the rest of tests/browser in CI; the
fixtures are the browser suite's own (tests/browser/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.axe import AxeAudit
from tests.browser.conftest import (  # noqa: F401  (fixtures used by name)
    LiveKiosk,
    OpenScreen,
    browser,
    kiosk,
    open_screen,
    post_check,
    shot,
)
from tests.web.flow import ORDINARY

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# Stage 1 smoker in Lambeth with a PHQ-2 positive, AUDIT-C 6 and BMI 31:
# a card of services under every result, and the GP section.
EVERYTHING = {
    **ORDINARY,
    "postcode": {"postcode": "SE11 5AB"},
    "height_weight": {"height_cm": "165", "weight_kg": "85"},
    "smoking": {"smoking_status": "current"},
    "cigarettes": {"cigarettes_per_day": "10"},
    "alcohol_q1": {"audit_q1": "2"},
    "alcohol_q2": {"audit_q2": "2"},
    "alcohol_q3": {"audit_q3": "2"},
    "mind_interest": {"phq4_little_interest": "2"},
    "mind_down": {"phq4_feeling_down": "2"},
}
STAGE_1 = ({"systolic": "145", "diastolic": "92"}, {"systolic": "147", "diastolic": "93"})
SEVERE_AND_CRISIS = {**ORDINARY, "mind_self_harm": {"self_harm_thoughts": "yes"}}
SEVERE = ({"systolic": "185", "diastolic": "100"}, {"systolic": "186", "diastolic": "101"})


async def test_axe_on_signposts_urgent_page_and_both_summaries(
    kiosk: Callable[..., LiveKiosk],  # noqa: F811
    open_screen: OpenScreen,  # noqa: F811
    tmp_path: Path,
) -> None:
    lookup = tmp_path / "postcodes.csv"
    lookup.write_text("postcode,borough\nSE11 5,Lambeth\n", encoding="utf-8")
    live = kiosk(postcode_lookup=lookup)
    audit = AxeAudit()

    screen = await open_screen(live, bypass_csp=True)
    assert await post_check(screen, EVERYTHING, bp=STAGE_1) == "/results"
    page = screen.page
    await page.goto("/results")
    await expect(page.locator(".v5-signpost")).not_to_have_count(0)
    await audit.check(page, "results with signposts under every card")
    await shot(page, "40-results-signposts")
    await page.goto("/results/summary")
    await audit.check(page, "summary, A4")
    await shot(page, "41-summary-a4")
    await page.goto("/results/summary?layout=receipt")
    await audit.check(page, "summary, receipt")
    await shot(page, "42-summary-receipt")

    crisis = await open_screen(live, bypass_csp=True)
    assert await post_check(crisis, SEVERE_AND_CRISIS, bp=SEVERE) == "/results/urgent"
    await crisis.page.goto("/results/urgent")
    await audit.check(crisis.page, "urgent: severe BP and crisis contacts from the directory")
    await crisis.page.goto("/results/summary")
    await audit.check(crisis.page, "summary with crisis contacts")

    audit.assert_clean()
    assert len(audit.checked) == 5


async def test_print_button_runs_under_the_kiosk_csp(
    kiosk: Callable[..., LiveKiosk],  # noqa: F811
    open_screen: OpenScreen,  # noqa: F811
) -> None:
    screen = await open_screen(kiosk())  # the real CSP: scripts from the kiosk only
    assert await post_check(screen, ORDINARY, bp=STAGE_1) == "/results"
    page = screen.page
    await page.goto("/results/summary")
    await page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    button = page.get_by_role("button", name="Print")
    await expect(button).to_be_visible()
    await button.tap()
    assert await page.evaluate("() => window.__printed === true")
    await expect(page.get_by_role("img", name="QR code with your results")).to_be_visible()
    await page.emulate_media(media="print")
    await expect(button).to_be_hidden()
    await expect(page.locator(".v5-header")).to_be_hidden()
    screen.assert_nothing_went_wrong()
