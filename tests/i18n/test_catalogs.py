"""Every catalog is complete against the current template, and safe to render.

When new strings land in i18n/messages.pot, ``test_every_message_is_translated``
fails per language listing exactly what translators still have to do (after
``make i18n-update`` has brought the .po files up to date).
"""

from __future__ import annotations

import re

import pytest
from babel import Locale
from babel.messages.catalog import Catalog

from tests.i18n.catalogs import (
    CATALOG_CODES,
    I18N,
    brace_problems,
    catalog,
    checker_errors,
    dialled_problems,
    key,
    messages,
    percent_problems,
    placeholder_problems,
    stale,
    strings,
    template,
    untranslated,
)

pytestmark = pytest.mark.parametrize("code", CATALOG_CODES)


def _listed(items: list[str]) -> str:
    return "".join(f"\n  {item}" for item in items)


def _quoted(msgids: list[str]) -> str:
    return _listed([repr(m) for m in msgids])


def test_every_message_is_translated(code: str) -> None:
    missing = untranslated(catalog(code), template())
    assert not missing, (
        f"{code}: {len(missing)} message(s) of i18n/messages.pot not translated "
        f"(untranslated, fuzzy or absent; `make i18n-update` adds the absent ones):"
        + _quoted(missing)
    )


def test_catalog_has_no_messages_the_template_dropped(code: str) -> None:
    dropped = stale(catalog(code), template())
    assert not dropped, f"{code}: run `make i18n-update`; no longer in the template:" + _quoted(
        dropped
    )


def test_babel_checkers_are_clean(code: str) -> None:
    problems = checker_errors(catalog(code))
    assert not problems, f"{code}:" + _listed(problems)


def test_plural_forms_are_the_languages_own(code: str) -> None:
    cat = catalog(code)
    assert cat.num_plurals == Catalog(locale=code).num_plurals, cat.plural_forms
    for message in messages(cat):
        if message.pluralizable:
            assert len(strings(message)) == cat.num_plurals, key(message)


def test_placeholders_match_the_english(code: str) -> None:
    problems = placeholder_problems(catalog(code))
    assert not problems, f"{code}: placeholders differ from the English:" + _listed(problems)


def test_no_stray_percent_signs(code: str) -> None:
    problems = percent_problems(catalog(code))
    assert not problems, f"{code}:" + _listed(problems)


def test_brace_messages_format(code: str) -> None:
    problems = brace_problems(catalog(code))
    assert not problems, f"{code}:" + _listed(problems)


def test_phone_numbers_and_emergency_numbers_kept_verbatim(code: str) -> None:
    problems = dialled_problems(catalog(code))
    assert not problems, f"{code}:" + _listed(problems)


def test_header_names_the_catalogs_language(code: str) -> None:
    # Babel writes its CLDR name for some languages: "tw" (Twi) is "ak_GH".
    header = (I18N / code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    match = re.search(r'^"Language: ([\w-]+)\\n"$', header, re.MULTILINE)
    assert match, f"{code}: no Language header"
    assert Locale.parse(match.group(1)) == Locale.parse(code)
