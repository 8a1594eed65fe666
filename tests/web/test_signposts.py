"""Signposts on the results pages, and the take-home summary, over HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from kiosk_app.main import create_app
from kiosk_app.signposting import DirectoryError
from kiosk_app.web.routes.summary import compact_summary, qr_svg
from tests.conftest import make_settings
from tests.signposting.helpers import check
from tests.web.flow import ORDINARY, complete

# A synthetic resident: current smoker, healthy weight, blood pressure in the stage 1 range
# (145/92 then 147/93: within 10 mmHg, so recorded 145/92, clinical.md §9 B2),
# living in SE11, a district Lambeth and Southwark share.
POSTCODE = "SE11 5AB"
STAGE_1_SMOKER = {
    **ORDINARY,
    "postcode": {"postcode": POSTCODE},
    "height_weight": {"height_cm": "165", "weight_kg": "60"},  # BMI 22.0: healthy
    "smoking": {"smoking_status": "current"},
    "cigarettes": {"cigarettes_per_day": "10"},
}
STAGE_1 = ({"systolic": "145", "diastolic": "92"}, {"systolic": "147", "diastolic": "93"})

# The lookup settles SE11 5 as Lambeth by its sector; the district is shared.
LOOKUP = "postcode,borough\nSE11,Lambeth\nSE11,Southwark\nSE11 5,Lambeth\n"


def _text(response: httpx.Response) -> str:
    """The page without the LTR isolation around numbers (``ltr_runs``), so
    assertions read as the English text does."""
    return response.text.replace('<bdi dir="ltr">', "").replace("</bdi>", "")


def _services(page: str) -> list[str]:
    return re.findall(r'data-service="([a-z0-9-]+)"', page)


@pytest.fixture
def lookup_file(tmp_path: Path) -> Path:
    path = tmp_path / "postcodes.csv"
    path.write_text(LOOKUP, encoding="utf-8")
    return path


async def _client_for(tmp_path: Path, **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(tmp_path, **settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        yield client


@pytest.fixture
async def lambeth_resident(tmp_path: Path, lookup_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client_for(tmp_path, postcode_lookup=lookup_file):
        assert await complete(client, STAGE_1_SMOKER, bp=STAGE_1) == "/results"
        yield client


async def test_stage_1_smoker_in_lambeth_sees_lambeth_services(
    lambeth_resident: httpx.AsyncClient,
) -> None:
    page = _text(await lambeth_resident.get("/results"))
    assert "for people who live in Lambeth (from your postcode)" in page
    assert _services(page) == [
        # Blood pressure (clinical.md §1.5): the Lambeth bus, the pharmacy check.
        "lambeth-health-wellbeing-bus",
        "nhs-pharmacy-bp-check",
        # Smoking (§5.3): the Lambeth service first, then the wider ones.
        "lambeth-stop-smoking-service-gstt",
        "gstt-stop-smoking-hospital",
        "nhs-smokefree-helpline",
        # Both pathways run through a GP.
        "gp-registration",
    ]
    assert '<a class="v5-tel" href="tel:+448008563409">0800 856 3409</a>' in page
    assert 'href="tel:+442030495791"' in page  # the second number
    assert "Southwark Stop Smoking Service" not in page
    # A decorative QR beside each printed web address.
    assert '<svg aria-hidden="true" focusable="false"' in page
    assert "stopsmokinglondon.com" in page


async def test_stage_1_smoker_with_no_lookup_sees_the_site_borough(tmp_path: Path) -> None:
    async for client in _client_for(tmp_path):  # site_borough defaults to Southwark
        await complete(client, STAGE_1_SMOKER, bp=STAGE_1)
        page = _text(await client.get("/results"))
        assert "for Southwark, where this check is" in page
        assert _services(page) == [
            "nhs-pharmacy-bp-check",
            "gstt-stop-smoking-hospital",
            "nhs-smokefree-helpline",
            "gp-registration",
        ]
        # Unverified (two numbers in the sources): hidden from residents.
        assert "0800 169 6002" not in page


async def test_demo_site_shows_unverified_entries(tmp_path: Path) -> None:
    async for client in _client_for(tmp_path, signposting_show_unverified=True):
        await complete(client, STAGE_1_SMOKER, bp=STAGE_1)
        page = _text(await client.get("/results"))
        assert _services(page)[1] == "southwark-stop-smoking-service"
        assert "0800 169 6002" in page


async def test_crisis_contacts_follow_the_borough(tmp_path: Path) -> None:
    answers = {**ORDINARY, "mind_self_harm": {"self_harm_thoughts": "yes"}}
    async for client in _client_for(tmp_path, site_borough="Greenwich"):
        assert await complete(client, answers) == "/results/urgent"
        page = _text(await client.get("/results/urgent"))
        # No SLaM line outside its boroughs; Oxleas's number is unverified.
        assert _services(page) == ["nhs-111-option-2-mental-health", "samaritans", "shout-85258"]
        assert "0800 731 2864" not in page
        assert "Call 999 or go to A&E now" in page
        assert '<a class="v5-tel" href="tel:111">111</a> then press 2' in page


async def test_fixed_crisis_list_when_the_directory_has_none(tmp_path: Path) -> None:
    only_999 = tmp_path / "signposting"
    only_999.mkdir()
    text = (Path(__file__).resolve().parents[2] / "signposting" / "services.yaml").read_text()
    first = text.split("\n- id: nhs-111\n")[0]  # just the 999 entry
    (only_999 / "services.yaml").write_text(first, encoding="utf-8")
    answers = {**ORDINARY, "mind_self_harm": {"self_harm_thoughts": "yes"}}
    async for client in _client_for(tmp_path, signposting_dir=only_999):
        await complete(client, answers)
        page = _text(await client.get("/results/urgent"))
        assert _services(page) == []
        assert "South London and Maudsley crisis line: 0800 731 2864" in page  # _crisis.html


async def test_the_directory_is_checked_at_start_up(tmp_path: Path) -> None:
    fine = create_app(make_settings(tmp_path / "fine", sync_worker=False))
    async with fine.router.lifespan_context(fine):
        pass
    bad = tmp_path / "signposting"
    bad.mkdir()
    (bad / "services.yaml").write_text("- id: no-name\n", encoding="utf-8")
    app = create_app(make_settings(tmp_path, signposting_dir=bad, sync_worker=False))
    with pytest.raises(DirectoryError, match=r"\[SP02\] service 'no-name', field name"):
        async with app.router.lifespan_context(app):
            pass


# ---- the take-home summary ---------------------------------------------------


async def test_summary_renders_on_a4_with_the_results_qr_and_no_postcode(
    lambeth_resident: httpx.AsyncClient,
) -> None:
    response = await lambeth_resident.get("/results/summary")
    assert response.status_code == 200
    page = _text(response)
    assert "v5-summary--a4" in page
    assert "/static/app/summary.js" in page
    assert "summary-receipt.css" not in page
    assert '<svg role="img" aria-label="QR code with your results' in page
    code = re.search(r'<p class="v5-summary-code">([^<]+)</p>', page)
    assert code is not None
    assert code.group(1).startswith(f"V5|{date.today().isoformat()}|BP 145/92 stage_1|")
    assert code.group(1).endswith("|smoker")
    # Results, next steps and services, but never the postcode.
    assert "Your blood pressure: 145/92 mmHg" in page
    assert "0800 856 3409" in page
    assert "SE11" not in page.upper().replace(" ", "")
    assert "5AB" not in page.upper()


async def test_summary_receipt_layout(lambeth_resident: httpx.AsyncClient) -> None:
    page = _text(await lambeth_resident.get("/results/summary?layout=receipt"))
    assert "v5-summary--receipt" in page
    assert "/static/app/summary-receipt.css" in page
    assert "<svg" in page
    assert "SE11" not in page
    odd = (await lambeth_resident.get("/results/summary?layout=banner")).text
    assert "v5-summary--a4" in odd


async def test_results_link_to_the_summary(lambeth_resident: httpx.AsyncClient) -> None:
    assert 'href="/results/summary"' in (await lambeth_resident.get("/results")).text


async def test_summary_needs_a_finished_check(client: httpx.AsyncClient) -> None:
    response = await client.get("/results/summary")
    assert response.status_code == 303
    assert response.headers["location"] == "/?cleared=expired"


async def test_print_script_and_styles_are_served(client: httpx.AsyncClient) -> None:
    for asset in ("summary.js", "summary.css", "summary-receipt.css", "signposts.css"):
        response = await client.get(f"/static/app/{asset}")
        assert response.status_code == 200, asset
    assert "window.print()" in (await client.get("/static/app/summary.js")).text


# ---- the compact summary (pure) ----------------------------------------------


def test_compact_summary_holds_codes_only() -> None:
    result, _ = check(
        bp=((142, 91), (144, 92)), bmi=27.1, audit_c=(2, 2, 2), phq4=(2, 1, 1, 1), smoker=True
    )
    assert compact_summary(result, date(2025, 6, 1)) == (
        "V5|2025-06-01|BP 142/91 stage_1|BMI 27.1 overweight|AUDIT-C 6|PHQ-4 5 GAD-2+|smoker"
    )


def test_compact_summary_leaves_out_skipped_domains_and_self_harm() -> None:
    result, _ = check(self_harm=True)
    assert compact_summary(result, date(2025, 6, 1)) == "V5|2025-06-01|non-smoker"


def test_compact_summary_marks_provisional_bp_and_lower_thresholds() -> None:
    from kiosk_app.domain.answers import Ethnicity

    result, _ = check(bp=((150, 95),), bmi=24.0, ethnicity=Ethnicity.BLACK_AFRICAN)
    line = compact_summary(result, date(2025, 6, 1))
    assert "|BP 150/95 stage_1 provisional|" in line
    assert "|BMI 24.0 overweight lower_thresholds|" in line


def test_qr_svg_is_decorative_or_labelled() -> None:
    decorative = str(qr_svg("https://samaritans.org"))
    assert decorative.startswith('<svg aria-hidden="true" focusable="false" ')
    assert "viewBox" in decorative
    labelled = str(qr_svg("V5|x", label='Results "QR" <code>'))
    assert labelled.startswith('<svg role="img" aria-label="Results &#34;QR&#34; &lt;code&gt;" ')
