"""Languages: which exist, how each is written, and its translated templates.

Catalogs live in ``i18n/<lang>/LC_MESSAGES/messages.mo`` (built by
``make i18n`` from the ``.po`` files). A language is offered when its
compiled catalog exists; English is the source language and always there.
Each language gets its own Jinja environment with its translations
installed, so concurrent requests in different languages never share state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from kiosk_app.web.filters import shown_value

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    # The language's name in itself ("Español"), so a person who reads no
    # English can still find it in the picker.
    endonym: str
    direction: str  # "ltr" or "rtl"


def describe(code: str) -> Language:
    locale = Locale.parse(code.replace("-", "_"))
    name = locale.get_display_name(locale) or code
    return Language(code=code, endonym=name[:1].upper() + name[1:], direction=locale.text_direction)


class Catalogs:
    """The installed languages and a ready Jinja environment for each."""

    def __init__(self, locale_dir: Path) -> None:
        self._locale_dir = locale_dir
        self._environments: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}

    @cached_property
    def languages(self) -> dict[str, Language]:
        codes = {SOURCE_LANGUAGE}
        if self._locale_dir.is_dir():
            codes |= {
                mo.parent.parent.name for mo in self._locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
            }
        return {code: describe(code) for code in sorted(codes)}

    def translations(self, code: str) -> NullTranslations:
        if code not in self._translations:
            loaded: NullTranslations = NullTranslations()
            if code != SOURCE_LANGUAGE:
                loaded = Translations.load(str(self._locale_dir), [code], domain=DOMAIN)
            self._translations[code] = loaded
        return self._translations[code]

    def environment(self, code: str) -> Environment:
        if code not in self._environments:
            env = Environment(
                loader=ChoiceLoader(
                    [FileSystemLoader(TEMPLATES_DIR), PackageLoader("nhsuk_frontend_jinja")]
                ),
                # The NHS.UK macros read optional keys off dicts; without this
                # a missing key raises instead of rendering nothing.
                undefined=ChainableUndefined,
                # Starlette's default escapes only *.html; ours must escape all.
                autoescape=True,
                extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
                auto_reload=False,
            )
            env.filters["shown"] = shown_value
            env.install_gettext_translations(self.translations(code), newstyle=True)  # type: ignore[attr-defined]
            self._environments[code] = env
        return self._environments[code]

    def gettext(self, code: str, message: str) -> str:
        return self.translations(code).gettext(message)
