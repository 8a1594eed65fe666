"""The scale fills height and weight for the resident to check."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx

from device_drivers.simulated_scale import SimulatedScale
from kiosk_app.main import create_app
from tests.conftest import make_settings
from tests.web.flow import ORDINARY, answer_until, location, start


async def at_height_weight(client: httpx.AsyncClient) -> None:
    url = await answer_until(client, await start(client), ORDINARY, stop_at="/check/height_weight")
    assert url == "/check/height_weight"


async def test_the_scale_fills_the_form_but_saves_nothing_until_continue(
    client: httpx.AsyncClient,
) -> None:
    await at_height_weight(client)
    assert "Measure me on the scale" in (await client.get("/check/height_weight")).text
    page = await client.post("/check/height_weight/scale")
    assert page.status_code == 200
    # The default simulated scale: 72.4 kg on a station with a 168 cm rod.
    assert 'value="72.4"' in page.text
    assert 'value="168"' in page.text
    assert "We filled in the numbers from the scale" in page.text
    # Nothing is an answer until the resident checks and continues.
    assert 'value="72.4"' not in (await client.get("/check/height_weight")).text
    done = await client.post("/check/height_weight", data={"height_cm": "168", "weight_kg": "72.4"})
    assert location(done) == "/check/waist"


async def test_a_scale_that_gives_no_reading_says_so_in_plain_words(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))
    app.state.kiosk = replace(app.state.kiosk, scale=SimulatedScale(weight_kg=None, speed=1000))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await at_height_weight(client)
        page = await client.post("/check/height_weight/scale")
    assert "The scale did not give a reading" in page.text
    assert 'name="weight_kg"' in page.text  # typing is still possible


async def test_no_scale_button_where_the_site_has_no_scale(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, scale_device="none"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await at_height_weight(client)
        page = await client.get("/check/height_weight")
        assert "Measure me on the scale" not in page.text
        assert location(await client.post("/check/height_weight/scale")) == "/check/height_weight"
