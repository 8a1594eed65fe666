"""The resident's whole check over HTTP: every branch of the flow."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from kiosk_app.settings import Settings
from tests.web.flow import ORDINARY, answer_until, complete, location, start


async def test_start_page_is_not_cached_and_locks_down_scripts(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "Check your health in about 10 minutes" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert 'lang="en"' in response.text
    assert 'dir="ltr"' in response.text


async def test_ordinary_check_is_stored_before_results_show(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    assert await complete(client) == "/results"
    db = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    rows = db.execute("SELECT answers_json, result_json, sync_state FROM check_record").fetchall()
    assert len(rows) == 1
    answers, result, state = json.loads(rows[0][0]), json.loads(rows[0][1]), rows[0][2]
    assert answers["about"]["age"] == 47
    assert answers["about"]["ethnicity"] == "black_african"
    assert answers["bp_readings"][0]["systolic"] == 128
    assert result["blood_pressure"]["category"] == "high_normal"
    assert state == "pending"

    page = await client.get("/results")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    # BMI 70 / 1.65² = 25.7: overweight on the lower thresholds for a Black
    # African family background (clinical.md §2.2).
    assert "25.7" in page.text
    assert "overweight range" in page.text
    assert "family background" in page.text
    assert "Please read this first" not in page.text


async def test_submitting_twice_stores_one_record(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await complete(client)
    assert location(await client.post("/submit")) == "/results"
    db = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    assert db.execute("SELECT count(*) FROM check_record").fetchone() == (1,)


async def test_declining_consent_ends_politely_and_keeps_nothing(client: httpx.AsyncClient) -> None:
    await client.post("/start", data={"language": "en"})
    response = await client.post("/consent", data={"consent": "no"})
    assert response.status_code == 200
    assert "nothing has been kept" in response.text
    assert location(await client.get("/check")) == "/?cleared=expired"


async def test_consent_needs_an_answer(client: httpx.AsyncClient) -> None:
    await client.post("/start", data={"language": "en"})
    response = await client.post("/consent", data={})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#consent"' in response.text


async def test_question_pages_need_consent(client: httpx.AsyncClient) -> None:
    await client.post("/start", data={"language": "en"})
    assert location(await client.get("/check/age")) == "/?cleared=expired"


async def test_alcohol_never_skips_the_other_two_questions(client: httpx.AsyncClient) -> None:
    answers = {**ORDINARY, "alcohol_q1": {"audit_q1": "0"}}
    url = await answer_until(client, await start(client), answers, stop_at="/check/alcohol_q1")
    assert location(await client.post(url, data={"audit_q1": "0"})) == "/check/mind_nervous"
    assert location(await client.get("/check/alcohol_q2")) == "/check/mind_nervous"


async def test_pregnancy_is_not_asked_of_men_and_waist_not_in_pregnancy(
    client: httpx.AsyncClient,
) -> None:
    url = await start(client)
    await client.post(url, data={"age": "30"})
    assert location(await client.post("/check/sex", data={"sex": "male"})) == "/check/ethnic_group"
    # Changing the answer brings the pregnancy question in.
    assert location(await client.post("/check/sex", data={"sex": "female"})) == "/check/pregnant"
    await client.post("/check/pregnant", data={"pregnant": "yes"})
    answers = {**ORDINARY, "age": {"age": "30"}}
    url = await answer_until(client, "/check/ethnic_group", answers, stop_at="/check/smoking")
    assert url == "/check/smoking"  # the waist step was not shown


async def test_changing_ethnic_group_asks_the_matching_follow_up(client: httpx.AsyncClient) -> None:
    url = await answer_until(client, await start(client), ORDINARY, stop_at="/check/postcode")
    assert url == "/check/postcode"
    # Change the group from Black to Asian: the Asian follow-up must be asked.
    assert location(await client.post("/check/ethnic_group", data={"ethnic_group": "asian"})) == (
        "/check/ethnicity_asian"
    )
    page = await client.get("/check/ethnicity_asian")
    assert page.status_code == 200
    assert " checked" not in page.text  # the old African answer is not an answer here


async def test_impossible_height_is_refused_and_the_weight_is_kept(
    client: httpx.AsyncClient,
) -> None:
    await answer_until(client, await start(client), ORDINARY, stop_at="/check/height_weight")
    response = await client.post(
        "/check/height_weight", data={"height_cm": "20", "weight_kg": "70"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Height must be 50 cm or more" in response.text
    assert 'value="70"' in response.text
    assert 'value="20"' in response.text  # what they typed stays, to correct


async def test_unusual_height_asks_to_confirm_then_accepts(client: httpx.AsyncClient) -> None:
    await answer_until(client, await start(client), ORDINARY, stop_at="/check/height_weight")
    response = await client.post(
        "/check/height_weight", data={"height_cm": "110", "weight_kg": "70"}
    )
    assert response.status_code == 400
    assert "Is 110 cm correct?" in response.text
    assert 'name="confirm_height_cm"' in response.text
    confirmed = await client.post(
        "/check/height_weight",
        data={"height_cm": "110", "weight_kg": "70", "confirm_height_cm": "yes"},
    )
    assert location(confirmed) == "/check/waist"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your age in years"),
        ("forty", "Age must be a whole number of years, like 47"),
        ("47.5", "Age must be a whole number of years, like 47"),
        ("0", "Age must be 1 year or more"),
        ("130", "Age must be 120 years or less"),
    ],
)
async def test_age_messages_say_how_to_fix_it(
    client: httpx.AsyncClient, typed: str, message: str
) -> None:
    url = await start(client)
    response = await client.post(url, data={"age": typed})
    assert response.status_code == 400
    assert message in response.text


async def test_eastern_arabic_digits_are_read_as_numbers(client: httpx.AsyncClient) -> None:
    url = await start(client)
    assert location(await client.post(url, data={"age": "٤٧"})) == "/check/sex"
    assert 'value="47"' in (await client.get("/check/age")).text


async def test_review_lists_answers_with_change_links(client: httpx.AsyncClient) -> None:
    await answer_until(client, await start(client), ORDINARY)
    page = await client.get("/review")
    assert page.status_code == 200
    assert "SE1 7EH" in page.text  # the postcode, normalised
    assert 'href="/check/height_weight"' in page.text
    assert "128/82 mmHg" in page.text


async def test_results_without_a_finished_check_go_back_to_review(
    client: httpx.AsyncClient,
) -> None:
    await start(client)
    assert location(await client.get("/results")) == "/review"
    assert location(await client.get("/review")) == "/check/age"
    assert location(await client.post("/submit")) == "/check/age"
