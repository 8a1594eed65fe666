"""i18n/languages.yaml: valid, consistent with the catalogs, and what the kiosk offers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from babel import Locale
from babel.core import get_global
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.web.i18n import (
    INSTRUMENTS,
    SOURCE_LANGUAGE,
    Catalogs,
    babel_direction,
    entry_direction,
    load_registry,
)
from tests.conftest import make_settings, sign_in_staff
from tests.i18n.catalogs import (
    CATALOG_CODES,
    REGISTRY,
    catalog,
    compile_catalogs,
    messages,
    template,
    untranslated,
)

REGISTERED = load_registry(REGISTRY).languages


@pytest.fixture(scope="module")
def locale_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_catalogs(tmp_path_factory.mktemp("i18n"))


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    return data


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# ---- The file and the catalogs agree ------------------------------------------


def test_every_catalog_has_an_entry_and_every_entry_a_catalog() -> None:
    assert set(REGISTERED) - {SOURCE_LANGUAGE} == set(CATALOG_CODES)


@pytest.mark.parametrize("code", sorted(REGISTERED))
def test_script_and_direction_agree_with_cldr(code: str) -> None:
    entry = REGISTERED[code]
    locale = Locale.parse(code)
    likely = get_global("likely_subtags").get(str(locale.language), "")
    script = locale.script or likely.split("_")[1]
    assert entry.script == script, f"{code}: CLDR writes it in {script}"
    if entry.direction is not None:  # an override must be a deliberate one
        assert entry.direction != babel_direction(code), f"{code}: drop the redundant direction"
    else:  # the kiosk derives it from the script, not from CLDR at start-up
        assert entry_direction(entry) == babel_direction(code), f"{code}: see RTL_SCRIPTS"


def test_endonyms_are_the_ones_residents_recognise() -> None:
    assert REGISTERED["tw"].endonym == "Twi"  # Babel says "Akan (Gaana)"
    assert REGISTERED["zh_Hans"].endonym == "中文（简体）"
    assert len({e.endonym for e in REGISTERED.values()}) == len(REGISTERED)


# ---- What the kiosk offers ------------------------------------------------------


def test_every_registered_catalog_is_offered_with_its_tag_and_direction(locale_dir: Path) -> None:
    languages = Catalogs(locale_dir).languages
    assert list(languages) == [code.replace("_", "-") for code in REGISTERED]
    assert languages["zh-Hans"].catalog == "zh_Hans"
    assert languages["zh-Hans"].endonym == "中文（简体）"
    assert {code for code, lang in languages.items() if lang.direction == "rtl"} == {"ar", "ur"}


def _locale_with(target: Path, compiled_from: Path, codes: list[str], data: dict[str, Any]) -> Path:
    """A locale folder with only ``codes`` compiled and ``data`` as its languages.yaml."""
    for code in codes:
        (target / code / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(
            compiled_from / code / "LC_MESSAGES" / "messages.mo", target / code / "LC_MESSAGES"
        )
    _write(target / "languages.yaml", data)
    return target


def test_a_language_needs_both_an_entry_and_a_compiled_catalog(
    locale_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = _raw()
    del data["languages"]["pl"]
    # pl: compiled, no entry. fr and the rest: an entry, not compiled.
    _locale_with(tmp_path, locale_dir, ["es", "pl"], data)
    assert list(Catalogs(tmp_path).languages) == ["en", "es"]
    assert "catalog pl is compiled but has no entry" in caplog.text


def test_direction_override_wins_over_cldr(tmp_path: Path, locale_dir: Path) -> None:
    data = _raw()
    data["languages"]["es"]["direction"] = "rtl"
    _locale_with(tmp_path, locale_dir, ["es"], data)
    assert Catalogs(tmp_path).languages["es"].direction == "rtl"


def test_a_locale_folder_without_a_languages_file_uses_the_shipped_one(tmp_path: Path) -> None:
    catalogs = Catalogs(tmp_path)
    assert catalogs.registry_path == REGISTRY
    assert list(catalogs.languages) == ["en"]


# ---- Validated at start-up -------------------------------------------------------


def _broken(**changes: Any) -> dict[str, Any]:
    data = _raw()
    data["languages"]["ar"].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (_broken(review_status="checked"), "review_status"),
        (_broken(review_status="reviewed"), "reviewed_by and reviewed_on"),
        (_broken(reviewed_on="2026-11-01"), "reviewed_on without reviewed_by"),
        (_broken(validated_instruments={"PHQ-4": "validated-translation"}), "AUDIT-C"),
        (_broken(validated_instruments={"PHQ-4": "original", "AUDIT-C": "original"}), "source"),
        (_broken(direction="up"), "direction"),
        (_broken(script="arabic"), "script"),
        (_broken(endonym=""), "endonym"),
        (_broken(favourite=True), "favourite"),
        ({"languages": {"es": _raw()["languages"]["es"]}}, "source language 'en'"),
        (
            {"languages": {**_raw()["languages"], "zh-Hans": _raw()["languages"]["zh_Hans"]}},
            "zh-Hans",
        ),
        ({"languages": []}, "valid dictionary"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_broken_languages_file_stops_the_kiosk_at_start_up(
    tmp_path: Path, data: dict[str, Any], complaint: str
) -> None:
    locale_dir = tmp_path / "i18n"
    locale_dir.mkdir()
    _write(locale_dir / "languages.yaml", data)
    with pytest.raises(ValueError, match=r"languages\.yaml") as raised:
        create_app(make_settings(tmp_path, locale_dir=locale_dir))
    assert complaint in str(raised.value)


def test_a_reviewed_catalog_is_accepted_once_signed(tmp_path: Path) -> None:
    data = _broken(review_status="reviewed", reviewed_by="DA Languages", reviewed_on="2026-12-01")
    registry = load_registry(_write(tmp_path / "languages.yaml", data))
    assert registry.languages["ar"].reviewed_on is not None


# ---- The staff page ----------------------------------------------------------------


@pytest.fixture
async def app(tmp_path: Path, locale_dir: Path) -> FastAPI:
    return create_app(make_settings(tmp_path, locale_dir=locale_dir))


async def test_admin_page_lists_every_language_with_its_status(
    app: FastAPI, tmp_path: Path
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await sign_in_staff(client, tmp_path / "keys")
        page = await client.get("/admin/languages")
    assert page.status_code == 200
    html = page.text
    assert "need validated translations before clinical use" in html
    for code, entry in REGISTERED.items():
        assert f'id="lang-{code}"' in html
        assert entry.endonym in html
    total = len(list(messages(template())))
    for code in CATALOG_CODES:
        done = total - len(untranslated(catalog(code), template()))
        row = html[html.index(f'id="lang-{code}"') :]
        assert f"{done} of {total} ({100 * done // total}%)" in row[: row.index("</tr>")]
    assert html.count("Machine draft, not reviewed") == len(CATALOG_CODES)
    # Two instruments per translated language.
    needs = re.findall(r'data-instrument="([\w-]+)">\s*Needs validated translation<', html)
    assert sorted(needs) == sorted([*INSTRUMENTS] * len(CATALOG_CODES))
    assert "Change language" not in html  # a staff page, not a resident's


async def test_admin_page_says_why_a_catalog_is_not_offered(
    tmp_path: Path, locale_dir: Path
) -> None:
    data = _raw()
    del data["languages"]["pl"]
    target = _locale_with(tmp_path / "i18n", locale_dir, ["es", "pl"], data)
    app = create_app(make_settings(tmp_path, locale_dir=target))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        await sign_in_staff(client, tmp_path / "keys")
        html = (await client.get("/admin/languages")).text

    def row(code: str) -> str:
        rest = html[html.index(f'id="lang-{code}"') :]
        return rest[: rest.index("</tr>")]

    assert "Offered" in row("es")
    assert "no compiled catalog" in row("fr")
    assert "add an entry to languages.yaml" in row("pl")


def test_gettext_takes_the_tag_and_falls_back_to_english(locale_dir: Path) -> None:
    catalogs = Catalogs(locale_dir)
    chinese = catalogs.gettext("zh-Hans", "How old are you?")
    assert chinese != "How old are you?"
    assert catalogs.gettext("xx", "How old are you?") == "How old are you?"
