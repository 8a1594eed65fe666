"""The BP page: simulated cuff, live progress, manual entry and NG136 repeats."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from tests.conftest import make_settings
from tests.web.flow import ORDINARY, answer_until, complete, location, start


async def at_bp_page(client: httpx.AsyncClient) -> None:
    url = await answer_until(client, await start(client), ORDINARY, stop_at="/blood-pressure")
    assert url == "/blood-pressure"


async def client_for(tmp_path: Path, script: tuple[str, ...]) -> tuple[FastAPI, httpx.AsyncClient]:
    app = create_app(make_settings(tmp_path, simulator_script=script))
    return app, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kiosk.test"
    )


async def test_instructions_and_manual_entry_are_offered(client: httpx.AsyncClient) -> None:
    await at_bp_page(client)
    page = await client.get("/blood-pressure")
    assert "Sit down and relax." in page.text
    assert 'href="/blood-pressure/manual"' in page.text
    assert 'data-live-url="/blood-pressure/live"' in page.text


async def test_normal_first_reading_needs_no_repeat(client: httpx.AsyncClient) -> None:
    await at_bp_page(client)
    assert location(await client.post("/blood-pressure/measure")) == "/blood-pressure"
    page = await client.get("/blood-pressure")
    # The default simulator script measures 126/79 (device_drivers/simulator.py).
    assert "126/79" in page.text
    assert "We have all the blood pressure readings we need" in page.text


async def test_a_device_reading_is_stored_with_its_provenance(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await at_bp_page(client)
    await client.post("/blood-pressure/measure")
    await client.post("/blood-pressure/done")
    url = await answer_until(client, "/check/height_weight", ORDINARY)
    assert url == "/review"
    await client.post("/submit")
    db = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"))
    (answers_json,) = db.execute("SELECT answers_json FROM check_record").fetchone()
    reading = json.loads(answers_json)["bp_readings"][0]
    assert reading["source"] == "simulator"
    assert reading["provenance"]["device_model"] == "Vital 5 simulated cuff"


async def test_high_reading_asks_for_a_second_then_a_third(tmp_path: Path) -> None:
    # NG136 rule (clinical.md §9 B2): 150/95 is ≥140/90 so a second reading is
    # needed; 162 differs from 150 by more than 10, so a third.
    _app, client = await client_for(tmp_path, ("150/95/70", "162/96/71", "152/94/70"))
    async with client:
        await at_bp_page(client)
        await client.post("/blood-pressure/measure")
        assert "we need a second reading" in (await client.get("/blood-pressure")).text
        await client.post("/blood-pressure/measure")
        assert "we need a third reading" in (await client.get("/blood-pressure")).text
        await client.post("/blood-pressure/measure")
        page = await client.get("/blood-pressure")
        assert "We have all the blood pressure readings we need" in page.text
        assert page.text.count('class="v5-reading"') == 3


async def test_failed_measurement_shows_words_not_numbers(tmp_path: Path) -> None:
    _app, client = await client_for(tmp_path, ("error:movement",))
    async with client:
        await at_bp_page(client)
        assert location(await client.post("/blood-pressure/measure")) == (
            "/blood-pressure?failed=movement"
        )
        page = await client.get("/blood-pressure?failed=movement")
        assert "because your arm moved" in page.text
        assert "Your readings" not in page.text


async def test_irregular_pulse_is_flagged_in_plain_words(tmp_path: Path) -> None:
    _app, client = await client_for(tmp_path, ("128/80/88/irregular",))
    async with client:
        await at_bp_page(client)
        await client.post("/blood-pressure/measure")
        page = await client.get("/blood-pressure")
        assert "ask a pharmacist or GP to check it by hand" in page.text


async def test_live_measurement_streams_pressure_then_done(client: httpx.AsyncClient) -> None:
    await at_bp_page(client)
    events: list[str] = []
    async with client.stream("GET", "/blood-pressure/live") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                events.append(line.split(":", 1)[1].strip())
            if events and events[-1] == "done":
                break
    assert events.count("pressure") > 10
    assert events[-1] == "done"
    assert "126/79" in (await client.get("/blood-pressure")).text


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        ({"systolic": "400", "diastolic": "90"}, "The top number must be 300 or less"),
        (
            {"systolic": "120", "diastolic": "130"},
            "The bottom number must be lower than the top number",
        ),
        (
            {"systolic": "", "diastolic": "80"},
            "Enter the top number of your blood pressure reading",
        ),
        ({"systolic": "120", "diastolic": "eighty"}, "The bottom number must be a whole number"),
    ],
)
async def test_impossible_manual_readings_are_refused(
    client: httpx.AsyncClient, reading: dict[str, str], message: str
) -> None:
    await at_bp_page(client)
    response = await client.post("/blood-pressure/manual", data=reading)
    assert response.status_code == 400
    assert message in response.text
    assert "Your readings" not in (await client.get("/blood-pressure")).text


async def test_severe_reading_opens_the_urgent_page_first(client: httpx.AsyncClient) -> None:
    severe = ({"systolic": "186", "diastolic": "122"}, {"systolic": "184", "diastolic": "121"})
    assert await complete(client, bp=severe) == "/results/urgent"
    page = await client.get("/results/urgent")
    assert "Your blood pressure is very high" in page.text
    assert "Call 999 or go to A&E now if you have chest pain" in page.text
    assert "184/121" in page.text  # the lower of the two (clinical.md §9 B3)
    # In a right-to-left language 999 is isolated left-to-right (ltr_runs),
    # so it keeps its digit order; a left-to-right page needs no isolation.
    await client.get("/language/ar", params={"next": "/results/urgent"})
    arabic = (await client.get("/results/urgent")).text
    assert '<bdi dir="ltr">999</bdi>' in arabic
    assert "<bdi" not in page.text


async def test_skipping_bp_still_gives_results(client: httpx.AsyncClient) -> None:
    assert await complete(client, bp=()) == "/results"
    page = await client.get("/results")
    assert "Not measured today" in page.text
    assert 'data-rag="grey"' in page.text
