"""Every page a resident can reach renders in every language, with no English left.

The walk (tests/i18n/walk.py) fetches every page state over HTTP in one
language; tests/i18n/leftovers.py says what counts as English left over and
documents the allow-list. A failure lists, per page, the English found, so
it reads as a to-do list: a msgid missing from the catalog, a template
string not wrapped in _(), or an NHS.UK macro default ("Error",
"Information") a template did not pass a translation for.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from kiosk_app.main import create_app
from kiosk_app.web.i18n import load_registry
from tests.conftest import make_settings
from tests.i18n.catalogs import (
    CATALOG_CODES,
    REGISTRY,
    catalog,
    compile_catalogs,
    compile_pseudo,
    ids,
    messages,
    template,
    untranslated,
)
from tests.i18n.leftovers import LATIN_WORD, EnglishFinder, page_text
from tests.i18n.walk import CUFF_SCRIPT, Page, walk

REGISTERED = load_registry(REGISTRY).languages
ENGLISH_MSGIDS = {msgid for message in messages(template()) for msgid in ids(message)}


@pytest.fixture(scope="module")
def locale_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_catalogs(tmp_path_factory.mktemp("i18n"))


@pytest.fixture
def app(tmp_path: Path, locale_dir: Path) -> FastAPI:
    return create_app(make_settings(tmp_path, locale_dir=locale_dir, simulator_script=CUFF_SCRIPT))


def _finder(code: str) -> EnglishFinder:
    return EnglishFinder(catalog(code), latin_script=REGISTERED[code].script == "Latn")


# The NHS.UK error-message macro prefixes every error with this exact visually
# hidden English default unless given ``visuallyHiddenText``; ours pass it.
PENDING_ERROR_PREFIX = '<span class="nhsuk-u-visually-hidden">Error: </span>'


def _report(code: str, found: dict[str, list[str]]) -> str:
    missing = untranslated(catalog(code), template())
    missing_words = set(LATIN_WORD.findall(" ".join(missing)))

    def why(english: str) -> str:
        if english in missing:
            return "not translated in the catalog yet"
        if english in missing_words:
            return "from a message not translated in the catalog yet"
        if " " in english or english in ENGLISH_MSGIDS:
            return "translated in the catalog, but the page shows the English"
        return "not from the catalog: English the template does not translate"

    lines = [f"{code}: English on {len(found)} page state(s):"]
    for label, english in found.items():
        lines.append(f"  {label}:" + "".join(f"\n    {e!r}  ({why(e)})" for e in english))
    return "\n".join(lines)


@pytest.mark.parametrize("code", CATALOG_CODES)
async def test_every_page_is_fully_translated(app: FastAPI, code: str) -> None:
    tag = code.replace("_", "-")
    pages = await walk(app, tag)
    finder = _finder(code)
    found = {page.label: english for page in pages if (english := finder.find(page.html))}
    assert not found, _report(code, found)
    for page in pages:
        assert f'<html lang="{tag}"' in page.html, page.label
        assert f'dir="{"rtl" if code in ("ar", "ur") else "ltr"}"' in page.html, page.label


async def test_every_page_is_translatable(tmp_path: Path) -> None:
    """With every message translated (a pseudo-translation into Arabic
    letters), no Latin word is left on any page: all the text a resident
    reads goes through gettext. Unlike the test above, this one does not
    wait for translators, so it points at templates and extraction only:
    a string not wrapped in _(), or rendered text that differs from the
    msgid that was extracted."""
    locale_dir, cat = compile_pseudo(tmp_path / "i18n", "ar", "ب")
    app = create_app(make_settings(tmp_path, locale_dir=locale_dir, simulator_script=CUFF_SCRIPT))
    pages = await walk(app, "ar")
    finder = EnglishFinder(cat, latin_script=False)
    found = {page.label: english for page in pages if (english := finder.find(page.html))}
    assert not found, "English that no translation can reach:\n" + "\n".join(
        f"  {label}: {english}" for label, english in found.items()
    )


async def test_error_messages_are_announced_in_the_residents_language(app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kiosk.test"
    ) as client:
        await client.post("/start", data={"language": "ar"})
        consent = await client.post("/consent")
        await client.post("/consent", data={"consent": "yes"})
        age = await client.post("/check/age")
    for page in (consent, age):
        assert page.status_code == 400
        assert "nhsuk-error-message" in page.text
        assert PENDING_ERROR_PREFIX not in page.text


async def test_language_page_from_a_translated_start_page_is_translated(app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kiosk.test"
    ) as client:
        start = await client.get("/?lang=es")
        link = re.search(r'class="v5-language-link" href="([^"]+)"', start.text)
        assert link is not None
        page = await client.get(html.unescape(link.group(1)))
    assert page.status_code == 200
    assert '<html lang="es"' in page.text
    assert _finder("es").find(page.text) == []


async def test_the_walk_reaches_every_page_and_the_finder_sees_english(app: FastAPI) -> None:
    pages = await walk(app, "en")
    labels = " | ".join(p.label for p in pages)
    for expected in (
        "declined",
        "question age, unusual",
        "question height_weight, too high",
        "scale failed",
        "BP, failed: loose_cuff",
        "BP, START on the cuff",
        "BP typed, bottom above top",
        "BP, complete",
        "question ethnicity_mixed",
        "question postcode, not a postcode",
        "question cigarettes, unusual",
        "question waist, too high",
        "review, every state",
        "results, red and amber",
        "results, under 18",
        "urgent, 70, Asian",
    ):
        assert expected in labels
    assert len(pages) >= 80, len(pages)
    # English pages read against an RTL and a Latin-script catalog: the
    # finder must see the English, or the translated-page test proves nothing.
    by_label = {p.label.split(" (")[0]: p for p in pages}
    consent = by_label["consent, nothing chosen"]
    for code in ("ar", "es"):
        english = _finder(code).find(consent.html)
        assert "There is a problem" in english, english
        assert "Select yes if you want to do the check" in english, english


def test_page_text_reads_what_residents_read_and_hear() -> None:
    html = (
        '<html lang="ar"><head><title>عنوان</title><style>.a{}</style></head><body>'
        '<p>اتصل <bdi dir="ltr">116 123</bdi> <strong>الآن</strong></p>'
        '<span class="nhsuk-u-visually-hidden">Error: </span>'
        '<ul><li><a lang="es" href="/">Español</a></li></ul>'
        '<svg><title>NHS</title></svg><img alt="Cuff"><button aria-label="Start">x</button>'
        "<script>const English = 1;</script></body></html>"
    )
    assert page_text(html).splitlines() == [
        "عنوان",
        "اتصل 116 123 الآن",
        "Error:",
        "Cuff",
        "Start",
        "x",
    ]


def test_finder_ignores_english_the_catalog_itself_uses() -> None:
    spanish = _finder("es")
    page = Page("p", '<html lang="es"><body><p>Error: Continue</p></body></html>')
    # "Error" is Spanish too; "Continue" is not.
    assert spanish.find(page.html) == ["Continue"]
