"""Switching language at any moment keeps every answer.

Real catalogs: a small Spanish catalog is written and compiled with Babel
into a temporary locale folder, exactly as ``make i18n`` compiles ours.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kiosk_app.main import create_app
from tests.conftest import make_settings
from tests.web.flow import location, start

SPANISH = {
    "How old are you?": "¿Qué edad tiene?",
    "Check your health in about 10 minutes": "Revise su salud en unos 10 minutos",
    "Age must be 120 years or less": "La edad debe ser de 120 años o menos",
}


@pytest.fixture
async def client(tmp_path: Path) -> httpx.AsyncClient:
    catalog = Catalog(locale="es", domain="messages")
    for msgid, msgstr in SPANISH.items():
        catalog.add(msgid, msgstr)
    target = tmp_path / "i18n" / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as fh:
        write_mo(fh, catalog)
    app = create_app(make_settings(tmp_path, locale_dir=tmp_path / "i18n"))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kiosk.test")


async def test_picker_lists_languages_by_their_own_names(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert 'lang="es"' in page.text
    assert "Español" in page.text
    spanish = await client.get("/?lang=es")
    assert "Revise su salud en unos 10 minutos" in spanish.text
    assert '<html lang="es"' in spanish.text


async def test_switching_language_mid_check_keeps_answers(client: httpx.AsyncClient) -> None:
    url = await start(client)
    assert location(await client.post(url, data={"age": "47"})) == "/check/sex"
    switched = await client.get("/language/es", params={"next": "/check/age"})
    assert location(switched) == "/check/age"
    page = await client.get("/check/age")
    assert "¿Qué edad tiene?" in page.text
    assert 'value="47"' in page.text


async def test_error_messages_are_translated(client: httpx.AsyncClient) -> None:
    url = await start(client, language="es")
    response = await client.post(url, data={"age": "130"})
    assert "La edad debe ser de 120 años o menos" in response.text


async def test_language_switch_never_redirects_off_the_kiosk(client: httpx.AsyncClient) -> None:
    await start(client)
    response = await client.get("/language/es", params={"next": "//evil.example/"})
    assert location(response) == "/"


async def test_the_next_resident_starts_in_the_default_language(client: httpx.AsyncClient) -> None:
    await start(client, language="es")
    await client.post("/session/end", data={"reason": "finish"})
    assert "Check your health in about 10 minutes" in (await client.get("/")).text


async def test_the_language_page_returns_to_where_the_resident_was(
    client: httpx.AsyncClient,
) -> None:
    url = await start(client)
    await client.post(url, data={"age": "47"})
    page = await client.get("/language", params={"next": "/check/sex"})
    assert page.status_code == 200
    assert 'href="/language/es?next=/check/sex"' in page.text
    assert location(await client.get("/language/es", params={"next": "/check/sex"})) == "/check/sex"
