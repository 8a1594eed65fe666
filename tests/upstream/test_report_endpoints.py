"""The equity report over HTTP on SQLite and PostgreSQL: sealed records in, suppressed tables out.

The population (report_population.POPULATION, 44 checks from three kiosks)
is small on purpose, so that suppression shows; the expected cells are
worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from tests.upstream.conftest import engine, enrol_kiosk, make_token, make_user, sign_in
from tests.upstream.fake_kiosk import FakeKiosk
from tests.upstream.report_population import FIXTURES, POPULATION, plaintext
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.tokens import Scope

REPORT = "/reports/equity"
LOOKUPS = {
    "postcode_lookup": FIXTURES / "postcodes.csv",
    "imd_lookup": FIXTURES / "imd.csv",
    "site_boroughs": FIXTURES / "sites.csv",
    "district_boroughs": FIXTURES / "districts.csv",
}


@pytest.fixture
def report_app(upstream_settings: UpstreamSettings) -> Iterator[FastAPI]:
    app = create_app(upstream_settings.model_copy(update=LOOKUPS))
    yield app
    engine(app).dispose()


@pytest.fixture
async def analyst(
    report_app: FastAPI, upstream_public_key: bytes
) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in browser, with the population stored."""
    transport = httpx.ASGITransport(app=report_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://upstream.test") as client:
        await store_population(report_app, client, upstream_public_key)
        make_user(report_app)
        assert (await sign_in(client)).status_code == 303
        yield client


async def store_population(app: FastAPI, client: httpx.AsyncClient, public_key: bytes) -> None:
    kiosks: dict[str, FakeKiosk] = {}
    envelopes = []
    for group in POPULATION:
        if group.site not in kiosks:
            kiosks[group.site] = FakeKiosk(public_key)
            enrol_kiosk(app, kiosks[group.site], site_id=group.site)
        kiosk = kiosks[group.site]
        envelopes += [kiosk.seal(plaintext(**group.answers)) for _ in range(group.count)]
    response = await client.post("/api/v1/records:batch", json={"records": envelopes})
    assert [r["status"] for r in response.json()["receipts"]] == ["stored"] * 44


def rows(text: str) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == ["dimension", "group", "measure", "count", "denominator", "rate_percent"]
    return {(d, g, m): (c, n, r) for d, g, m, c, n, r in reader}


S = ("suppressed",) * 3

# Worked by hand from POPULATION (threshold 5):
EXPECTED = {
    # Checks by borough: AV 22, BH 15, CG 6, unknown 1. The 1 is small; its
    # partner is the smallest other, Cedar Green (6): together 7.
    ("borough", "Ashford Vale", "checks"): ("22", "", ""),
    ("borough", "Brook Hill", "checks"): ("15", "", ""),
    ("borough", "Cedar Green", "checks"): ("suppressed", "", ""),
    ("borough", "unknown", "checks"): ("suppressed", "", ""),
    ("borough", "total", "checks"): ("44", "", ""),
    # BP: AV 12 of 20, BH 5 of 15, CG 0 of 6, unknown 0 of 1. CG and unknown
    # are small and hold 0 at risk: BH (smallest denominator) joins them.
    ("borough", "Ashford Vale", "bp_stage_1_or_above"): ("12", "20", "60.0"),
    ("borough", "Brook Hill", "bp_stage_1_or_above"): S,
    ("borough", "total", "bp_stage_1_or_above"): ("17", "42", "40.5"),
    # Weight: CG is 6 of 6 at risk (nobody not at risk: small complement);
    # every other borough has 0 at risk, so all are hidden; the total stays.
    ("borough", "Cedar Green", "bmi_overweight_or_obese"): S,
    ("borough", "Ashford Vale", "bmi_overweight_or_obese"): S,
    ("borough", "total", "bmi_overweight_or_obese"): ("6", "42", "14.3"),
    # Under-18s: 2 checks (small), never assessed (not applicable).
    ("age_band", "under_18", "checks"): ("suppressed", "", ""),
    ("age_band", "under_18", "current_smoker"): ("not_applicable",) * 3,
    ("age_band", "18_29", "checks"): ("suppressed", "", ""),  # partner of 2 + 1 + 0
    ("age_band", "45_59", "checks"): ("20", "", ""),
    ("age_band", "60_74", "checks"): ("15", "", ""),
    ("age_band", "45_59", "bp_stage_1_or_above"): ("12", "20", "60.0"),
    ("age_band", "60_74", "bp_stage_1_or_above"): S,
    # Sex: female 28, male 15, intersex 0, not stated 1: male partners them.
    ("sex", "female", "checks"): ("28", "", ""),
    ("sex", "male", "checks"): ("suppressed", "", ""),
    # IMD: ZZ1 1AA is decile 1 (quintile 1): 20; ZZ2 2BA decile 9 (quintile
    # 5): 12; the rest unknown: 12. Quintiles 2-4 are 0: quintile 5 (first of
    # the two 12s) partners them.
    ("imd_quintile", "1", "checks"): ("20", "", ""),
    ("imd_quintile", "5", "checks"): ("suppressed", "", ""),
    ("imd_quintile", "unknown", "checks"): ("12", "", ""),
    # BP: quintile 1 12 of 20, 5 5 of 12, unknown 0 of 10: quintile 5 partners.
    ("imd_quintile", "1", "bp_stage_1_or_above"): ("12", "20", "60.0"),
    ("imd_quintile", "5", "bp_stage_1_or_above"): S,
    # Smoking: 6 of 20 in quintile 1, nobody elsewhere: all hidden, total shown.
    ("imd_quintile", "1", "current_smoker"): S,
    ("imd_quintile", "total", "current_smoker"): ("6", "42", "14.3"),
    # How the borough was found: lookup 32, district 6, site 5, unknown 1.
    ("borough_source", "postcode_lookup", "checks"): ("32", "", ""),
    ("borough_source", "postcode_district", "checks"): ("6", "", ""),
    ("borough_source", "site", "checks"): ("suppressed", "", ""),
    ("borough_source", "unknown", "checks"): ("suppressed", "", ""),
}


async def test_the_csv_shows_the_worked_example(analyst: httpx.AsyncClient) -> None:
    response = await analyst.get(f"{REPORT}.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="vital5-equity-'
    )
    assert response.headers["cache-control"] == "no-store"
    found = rows(response.text)
    assert {key: found[key] for key in EXPECTED} == EXPECTED


async def test_the_page_shows_the_same_cells(analyst: httpx.AsyncClient) -> None:
    response = await analyst.get(REPORT)

    assert response.status_code == 200
    page = " ".join(response.text.split())
    ashford = page.split('id="borough"')[1].split("Ashford Vale</th>")[1].split("</tr>")[0]
    cells = [cell.split("<")[0] for cell in ashford.split('numeric">')[1:]]
    assert cells == ["22", "60.0% (12 of 20)", *["Suppressed"] * 4]
    brook = page.split("Brook Hill</th>")[1].split("</tr>")[0]
    assert brook.count("Suppressed") == 5
    assert '">15<' in brook
    assert "Not applicable" in page  # under-18s' risks
    assert "From 44 checks" in page
    assert "Signed in as analyst@example.org" in page


async def test_the_csv_has_every_group_and_measure(analyst: httpx.AsyncClient) -> None:
    found = rows((await analyst.get(f"{REPORT}.csv")).text)

    # (4 boroughs + 6 ages + 4 sexes + 6 ethnic groups + 6 quintiles + 5 totals) x 6 measures,
    # and 4 ways of finding the borough.
    assert len(found) == (4 + 6 + 4 + 6 + 6 + 5) * 6 + 4
    for (_dimension, _group, measure), (count, denominator, rate) in found.items():
        if count in ("suppressed", "not_applicable"):
            assert denominator == rate == (count if measure != "checks" else "")
        elif measure == "checks":
            assert count.isdigit()
            assert denominator == rate == ""
        else:
            assert count.isdigit()
            assert denominator.isdigit()
            assert float(rate) == round(100 * int(count) / int(denominator), 1)


async def test_no_suppressed_number_comes_back_from_the_published_ones(
    analyst: httpx.AsyncClient,
) -> None:
    found = rows((await analyst.get(f"{REPORT}.csv")).text)
    columns: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for (dimension, group, measure), cell in found.items():
        if group != "total" and cell[0] != "not_applicable":
            columns.setdefault((dimension, measure), []).append(cell)

    for (dimension, measure), cells in columns.items():
        hidden = [cell for cell in cells if cell[0] == "suppressed"]
        if dimension == "borough_source":
            total = found["borough", "total", "checks"]
        else:
            total = found[dimension, "total", measure]
        if not hidden or total[0] == "suppressed":
            continue
        assert len(hidden) >= 2, (dimension, measure)
        shown = [cell for cell in cells if cell[0] != "suppressed"]
        at_risk = int(total[0]) - sum(int(cell[0]) for cell in shown)
        assert at_risk >= 5, (dimension, measure)
        if measure != "checks":
            assessed = int(total[1]) - sum(int(cell[1]) for cell in shown)
            assert assessed - at_risk >= 5, (dimension, measure)


async def test_the_csv_also_answers_an_export_token(
    report_app: FastAPI, upstream_public_key: bytes
) -> None:
    export = {"Authorization": f"Bearer {make_token(report_app, Scope.EXPORT, name='ICB BI')}"}
    admin = {"Authorization": f"Bearer {make_token(report_app, Scope.ADMIN)}"}
    transport = httpx.ASGITransport(app=report_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        await store_population(report_app, client, upstream_public_key)
        by_token = await client.get(f"{REPORT}.csv", headers=export)
        by_admin = await client.get(f"{REPORT}.csv", headers=admin)
        forged = await client.get(f"{REPORT}.csv", headers={"Authorization": "Bearer v5u.x.y"})
        page = await client.get(REPORT, headers=export)  # the page is for people only

    assert by_token.status_code == 200
    assert rows(by_token.text)["borough", "total", "checks"] == ("44", "", "")
    assert (by_admin.status_code, by_admin.json()["code"]) == (403, "insufficient_scope")
    assert (forged.status_code, forged.json()["code"]) == (401, "invalid_token")
    assert page.status_code == 303
