"""axe-core finds nothing on any screen a resident or staff can reach, in any state.

Each test walks the kiosk in the browser and runs axe (WCAG 2.0–2.2 A/AA and
best practice, every rule) on each page as the resident sees it; a failure
lists every violation on every page at once (tests/browser/axe.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from playwright.async_api import Page, expect

from kiosk_app.web.staff import write_passcode
from tests.browser.axe import AxeAudit
from tests.browser.conftest import (
    LiveKiosk,
    OpenScreen,
    answer_page,
    path_of,
    post_check,
    shot,
    tap_button,
    tap_through,
)
from tests.conftest import STAFF_PASSCODE
from tests.web.flow import ORDINARY, UNHEALTHY

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# Before answering these pages properly, show each of their error states:
# (what the state is, what the resident typed or chose; {} = nothing).
ERRORS_FIRST: dict[str, list[tuple[str, dict[str, str]]]] = {
    # A number box on its own page.
    "age": [("nothing entered", {}), ("unusual value to confirm", {"age": "105"})],
    # Radios.
    "sex": [("nothing chosen", {})],
    "postcode": [("not a postcode", {"postcode": "XYZ 123"})],
    # Two number boxes under one heading.
    "height_weight": [
        ("nothing entered", {}),
        ("unusual values to confirm", {"height_cm": "100", "weight_kg": "30"}),
    ],
    # PHQ-4: radios with a caption above the question.
    "mind_nervous": [("nothing chosen", {})],
}


async def show_error_state(page: Page, typed: Mapping[str, str], unusual: bool) -> None:
    here = path_of(page)
    await answer_page(page, typed)
    await tap_button(page, "Continue")
    assert path_of(page) == here, f"{here} accepted {dict(typed)}"
    if unusual:
        await expect(page.locator(".v5-confirm input[type=checkbox]").first).to_be_visible()
    else:
        await expect(page.locator(".nhsuk-error-summary")).to_be_visible()


async def walk_questions(
    page: Page, audit: AxeAudit, answers: Mapping[str, Mapping[str, str]], stop_at: str
) -> None:
    for _ in range(40):
        here = path_of(page)
        if here == stop_at:
            return
        step_id = here.removeprefix("/check/")
        await audit.check(page, f"question {step_id}")
        for state, typed in ERRORS_FIRST.get(step_id, []):
            await show_error_state(page, typed, unusual="unusual" in state)
            await audit.check(page, f"question {step_id}, {state}")
        await answer_page(page, answers[step_id])
        await tap_button(page, "Continue")
        assert path_of(page) != here, f"{here} did not accept {answers[step_id]}"
    raise AssertionError(f"never reached {stop_at}")


async def test_axe_on_every_question_page_and_its_error_states(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    page = (await open_screen(kiosk(), bypass_csp=True)).page
    audit = AxeAudit()

    await page.goto("/")
    await audit.check(page, "start")
    await tap_button(page, "Start now")
    await audit.check(page, "consent")
    await tap_button(page, "Continue")
    await expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    await audit.check(page, "consent, nothing chosen")
    await answer_page(page, {"consent": "yes"})
    await tap_button(page, "Continue")

    await walk_questions(page, audit, ORDINARY, "/blood-pressure")
    # The BP page's own states: test_axe_on_the_blood_pressure_page_in_each_state.
    await tap_button(page, "Skip blood pressure")
    await walk_questions(page, audit, ORDINARY, "/review")
    await audit.check(page, "review")
    await tap_button(page, "See my results")
    assert path_of(page) == "/results"
    await audit.check(page, "results, ordinary answers, BP skipped")
    await tap_button(page, "Finish and clear my answers")
    await expect(page.get_by_role("status")).to_contain_text("has been cleared")
    await audit.check(page, "start, check cleared")

    audit.assert_clean()
    # Every state above was really looked at (a walk that stops short fails).
    assert len(audit.checked) == 1 + 2 + 18 + 7 + 3, audit.checked


async def test_axe_on_the_blood_pressure_page_in_each_state(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(
        kiosk(simulator_script=("error:loose_cuff", "150/95/70")), bypass_csp=True
    )
    page = screen.page
    audit = AxeAudit()
    assert await post_check(screen, ORDINARY, stop_at="/blood-pressure") == "/blood-pressure"
    await page.goto("/blood-pressure")

    await audit.check(page, "BP, before any reading")
    await tap_through(page, page.get_by_role("button", name="Start measuring"))
    await expect(page.get_by_role("alert")).to_contain_text("the cuff was loose")
    await audit.check(page, "BP, failed reading")
    await tap_through(page, page.get_by_role("button", name="Start measuring"))
    await expect(page.get_by_text("we need a second reading")).to_be_visible()
    await audit.check(page, "BP, second reading needed")
    await shot(page, "10-bp-reading-2")
    await tap_through(page, page.get_by_role("link", name="Type in a reading instead"))
    await audit.check(page, "BP manual entry")
    await show_error_state(page, {}, unusual=False)
    await audit.check(page, "BP manual entry, nothing entered")
    await show_error_state(page, {"systolic": "260", "diastolic": "95"}, unusual=True)
    await audit.check(page, "BP manual entry, unusual value to confirm")
    await show_error_state(page, {"systolic": "90", "diastolic": "95"}, unusual=False)
    await audit.check(page, "BP manual entry, bottom number above top")
    await shot(page, "11-bp-manual-error")
    await answer_page(page, {"systolic": "148", "diastolic": "94", "pulse": ""})
    await tap_button(page, "Continue")
    await expect(page.locator(".v5-reading")).to_have_count(2)
    await audit.check(page, "BP, complete")

    audit.assert_clean()
    assert len(audit.checked) == 8, audit.checked


# Answers for the results mixes, on top of ORDINARY.
# Under 18 and pregnant, no BP, little given: grey "Not checked" cards.
YOUNG_AND_PREGNANT = {
    **ORDINARY,
    "age": {"age": "15", "confirm_age": "yes"},
    "pregnant": {"pregnant": "yes"},
    "ethnic_group": {"ethnic_group": "not_stated"},
    "postcode": {"postcode": ""},
    "smoking": {"smoking_status": "ex"},
    "vaping": {"vaping": "current"},
    "alcohol_q1": {"audit_q1": "0"},
    "mind_nervous": {"phq4_nervous": "1"},
    "mind_worrying": {"phq4_worrying": "2"},
    "mind_interest": {"phq4_little_interest": "1"},
    "mind_down": {"phq4_feeling_down": "0"},
    "mind_self_harm": {"self_harm_thoughts": "not_stated"},
}
URGENT = {**ORDINARY, "mind_self_harm": {"self_harm_thoughts": "yes"}}


async def test_axe_on_results_of_several_mixes(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    screen = await open_screen(kiosk(), bypass_csp=True)
    page = screen.page
    audit = AxeAudit()

    # Red and amber nearly everywhere: stage 2 BP (two readings), obesity,
    # a smoker, high-risk drinking, high PHQ-4 (not urgent on its own).
    bp = ({"systolic": "165", "diastolic": "101"}, {"systolic": "167", "diastolic": "102"})
    assert await post_check(screen, UNHEALTHY, bp=bp) == "/results"
    await page.goto("/results")
    await expect(page.locator(".v5-rag[data-rag=red]")).not_to_have_count(0)
    await audit.check(page, "results, red and amber")
    await shot(page, "12-results-red")

    # Under 18 and pregnant, BP skipped: grey cards and the under-18 note.
    assert await post_check(screen, YOUNG_AND_PREGNANT, submit=False) == "/review"
    await page.goto("/review")
    await audit.check(page, "review, with answers not given")
    await tap_button(page, "See my results")
    await expect(page.locator(".v5-rag[data-rag=grey]")).not_to_have_count(0)
    await expect(page.get_by_text("You are under 18")).to_be_visible()
    await audit.check(page, "results, under 18, pregnant, not measured")

    # Urgent: thoughts of self-harm and a very high BP, then all the results.
    severe = ({"systolic": "185", "diastolic": "125"},)
    assert await post_check(screen, URGENT, bp=severe) == "/results/urgent"
    await page.goto("/results/urgent")
    await expect(page.locator(".v5-urgent")).to_have_count(2)
    await audit.check(page, "urgent page, BP and crisis contacts")
    await shot(page, "13-urgent")
    await tap_through(page, page.get_by_role("button", name="See all my results"))
    await audit.check(page, "results after the urgent page")

    audit.assert_clean()
    assert len(audit.checked) == 5, audit.checked


async def test_axe_on_declined_warning_and_timeout_pages(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    page = (
        await open_screen(kiosk(inactivity_timeout_s=20, inactivity_warning_s=5), bypass_csp=True)
    ).page
    audit = AxeAudit()

    await page.goto("/")
    await tap_button(page, "Start now")
    await answer_page(page, {"consent": "no"})
    await tap_button(page, "Continue")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    await audit.check(page, "declined")

    await page.clock.install()
    await tap_through(page, page.get_by_role("button", name="Back to the start"))
    await tap_button(page, "Start now")
    await answer_page(page, {"consent": "yes"})
    await tap_button(page, "Continue")
    await answer_page(page, {"age": "47"})
    await page.clock.fast_forward(16_000)  # 4 s left
    await expect(page.get_by_role("alertdialog")).to_be_visible()
    await audit.check(page, "inactivity warning")
    async with page.expect_navigation():
        await page.clock.fast_forward(5_000)
    await expect(page.get_by_role("status")).to_contain_text("nobody touched the screen")
    await audit.check(page, "start, cleared after timeout")

    audit.assert_clean()
    assert len(audit.checked) == 3, audit.checked


async def test_axe_on_the_staff_pages_and_their_sign_in(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    live = kiosk()
    page = (await open_screen(live, bypass_csp=True)).page
    audit = AxeAudit()

    await page.goto("/admin/status")
    assert path_of(page) == "/admin/sign-in"
    await expect(page.get_by_text("vital5 staff set-passcode")).to_be_visible()
    await audit.check(page, "staff sign-in, no passcode set")

    write_passcode(live.app.state.kiosk.settings.keys_dir, STAFF_PASSCODE)
    await page.goto("/admin/status")
    await audit.check(page, "staff sign-in")
    await tap_button(page, "Sign in")
    await expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    await audit.check(page, "staff sign-in, nothing entered")
    await page.get_by_label("Staff passcode").fill(STAFF_PASSCODE)
    await tap_button(page, "Sign in")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Kiosk status")
    await audit.check(page, "staff status")
    await page.goto("/admin/languages")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Languages")
    await audit.check(page, "staff languages")
    await tap_button(page, "Sign out of staff pages")
    await expect(page.get_by_text("You have signed out")).to_be_visible()
    await audit.check(page, "staff signed out")

    audit.assert_clean()
    assert len(audit.checked) == 6, audit.checked


async def test_axe_on_the_pharmacists_list_of_todays_checks(
    kiosk: Callable[..., LiveKiosk], open_screen: OpenScreen
) -> None:
    live = kiosk(mode="pharmacy")
    screen = await open_screen(live, bypass_csp=True)
    bp = ({"systolic": "152", "diastolic": "96", "pulse": "70"},)
    assert await post_check(screen, UNHEALTHY, bp=bp) == "/results"
    page = screen.page
    audit = AxeAudit()
    write_passcode(live.app.state.kiosk.settings.keys_dir, STAFF_PASSCODE)
    await page.goto("/admin/today")
    await page.get_by_label("Staff passcode").fill(STAFF_PASSCODE)
    await tap_button(page, "Sign in")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Today's checks")
    await expect(page.locator("tbody tr")).to_have_count(1)
    await audit.check(page, "staff: today's checks")
    await page.goto("/admin/status")
    await audit.check(page, "staff status, pharmacy mode")
    audit.assert_clean()
