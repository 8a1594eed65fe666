"""Urgent results, finishing, timing out, and what the next person can see."""

from __future__ import annotations

from pathlib import Path

import httpx

from kiosk_app.main import create_app
from kiosk_app.settings import Settings
from tests.conftest import make_settings, sign_in_staff
from tests.web.flow import ORDINARY, complete, location


async def test_self_harm_disclosure_shows_crisis_contacts_first(client: httpx.AsyncClient) -> None:
    answers = {**ORDINARY, "mind_self_harm": {"self_harm_thoughts": "yes"}}
    assert await complete(client, answers) == "/results/urgent"
    page = await client.get("/results/urgent")
    assert "0800 731 2864" in page.text  # SLaM crisis line, clinical.md §4.3
    assert "116 123" in page.text
    assert "option 2" in page.text
    results = await client.get("/results")
    assert "If you have thoughts of hurting yourself" in results.text


async def test_high_phq4_alone_is_not_urgent(client: httpx.AsyncClient) -> None:
    # clinical.md §9 M2: a high score raises signposting, not the urgent page.
    answers = {
        **ORDINARY,
        "mind_nervous": {"phq4_nervous": "3"},
        "mind_worrying": {"phq4_worrying": "3"},
        "mind_interest": {"phq4_little_interest": "3"},
        "mind_down": {"phq4_feeling_down": "3"},
    }
    assert await complete(client, answers) == "/results"
    page = await client.get("/results")
    assert "NHS Talking Therapies" in page.text


async def test_finish_forgets_everything(client: httpx.AsyncClient) -> None:
    await complete(client)
    old_cookie = client.cookies.get("v5check")
    response = await client.post("/session/end", data={"reason": "finish"})
    assert location(response) == "/?cleared=finish"
    assert "v5check" not in client.cookies
    # Even someone replaying the old cookie (the Back button) finds nothing.
    client.cookies.set("v5check", old_cookie or "")
    for url in ("/results", "/review", "/check/age", "/blood-pressure"):
        assert location(await client.get(url)) == "/?cleared=expired"
    start = await client.get("/?cleared=finish")
    assert "has been cleared" in start.text


async def test_server_forgets_an_idle_session(tmp_path: Path) -> None:
    now = [1000.0]
    settings = make_settings(tmp_path, inactivity_timeout_s=120, server_session_grace_s=60)
    app = create_app(settings, clock=lambda: now[0])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await client.post("/start", data={"language": "en"})
        await client.post("/consent", data={"consent": "yes"})
        await client.post("/check/age", data={"age": "47"})
        now[0] += 179  # just inside timeout + grace: still there
        assert (await client.get("/check/age")).status_code == 200
        now[0] += 181  # idle past timeout + grace
        assert location(await client.get("/check/age")) == "/?cleared=expired"
        assert len(app.state.kiosk.sessions) == 0


async def test_keepalive_extends_the_session(tmp_path: Path) -> None:
    now = [0.0]
    app = create_app(make_settings(tmp_path), clock=lambda: now[0])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await client.post("/start", data={"language": "en"})
        for _ in range(5):
            now[0] += 150
            assert (await client.post("/session/keepalive")).status_code == 204
        assert (await client.get("/consent")).status_code == 200


async def test_timeout_end_clears_and_says_why(client: httpx.AsyncClient) -> None:
    await client.post("/start", data={"language": "en"})
    response = await client.post("/session/end", data={"reason": "timeout"})
    assert location(response) == "/?cleared=timeout"
    page = await client.get("/?cleared=timeout")
    assert "nobody touched the screen" in page.text


async def test_personal_pages_carry_the_inactivity_timer(client: httpx.AsyncClient) -> None:
    await client.post("/start", data={"language": "en"})
    page = await client.get("/consent")
    assert 'data-timeout-s="120"' in page.text
    assert "I&#39;m still here" in page.text or "I'm still here" in page.text
    assert 'id="v5-timeout"' not in (await client.get("/")).text


async def test_healthz_reports_pending_records(client: httpx.AsyncClient) -> None:
    await complete(client)
    body = (await client.get("/healthz")).json()
    assert body["status"] == "ok"
    assert body["records_pending_sync"] == 1
    assert body["devices"] == [
        {"role": "blood_pressure", "name": "simulator", "status": "ready", "last_failure": None}
    ]


async def test_staff_status_page_shows_devices_and_sync_but_no_resident(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await complete(client)
    await sign_in_staff(client, settings.keys_dir)
    page = await client.get("/admin/status")
    assert page.status_code == 200
    assert "Kiosk status" in page.text
    assert "simulator" in page.text
    assert "Sending results upstream" in page.text
    assert "SE1 7EH" not in page.text  # the synthetic resident's postcode
