"""Languages: which exist, how each is written, and its translated templates.

Catalogs live in ``i18n/<catalog>/LC_MESSAGES/messages.mo`` (built by
``make i18n`` from the ``.po`` files), and ``i18n/languages.yaml`` says who
translated each one, how far it has been reviewed, and how it is written. A
language is offered only when it has both a compiled catalog and an entry
there; English is the source language and always offered.

Two spellings of a language code: the catalog folder uses gettext's
underscore (``zh_Hans``), while the kiosk's URLs, sessions and HTML ``lang``
attributes use the BCP 47 tag (``zh-Hans``), which is what browsers and
screen readers understand.

Each language gets its own Jinja environment with its translations
installed, so concurrent requests in different languages never share state.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Self

import yaml
from babel import Locale
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk_app.web.components import RenderedOnce
from kiosk_app.web.filters import shown_value
from kiosk_app.web.template_text import escaped, fast_gettext, ltr_runs

log = logging.getLogger(__name__)

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
TEMPLATES_DIR = Path(__file__).parent / "templates"
REGISTRY_FILE = "languages.yaml"
# The registry shipped with the code, for a locale folder that has none.
SHIPPED_REGISTRY = Path(__file__).resolve().parents[2] / "i18n" / REGISTRY_FILE

# The questionnaires whose wording is part of a validated instrument: a
# translation is only comparable with the published cut-offs if it is itself
# a validated translation (docs/translations.md).
Instrument = Literal["PHQ-4", "AUDIT-C"]
INSTRUMENTS: tuple[Instrument, ...] = ("PHQ-4", "AUDIT-C")
ReviewStatus = Literal["source", "machine-draft", "in-review", "reviewed"]
# "original": the English wording the instrument was validated in.
InstrumentStatus = Literal["original", "needs-validated-translation", "validated-translation"]
Direction = Literal["ltr", "rtl"]

# gettext catalog names: language, then optional script and territory.
_CATALOG_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$")


class LanguageEntry(BaseModel):
    """One language in ``i18n/languages.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The language's name in itself ("Español"), so a person who reads no
    # English can still find it in the picker.
    endonym: str = Field(min_length=1)
    english_name: str = Field(min_length=1)
    script: str = Field(pattern=r"^[A-Z][a-z]{3}$")  # ISO 15924
    # Left out: Babel's CLDR data decides.
    direction: Direction | None = None
    translated_by: str = Field(min_length=1)
    review_status: ReviewStatus
    reviewed_by: str = ""
    reviewed_on: date | None = None
    validated_instruments: dict[Instrument, InstrumentStatus]

    @field_validator("validated_instruments")
    @classmethod
    def _every_instrument(
        cls, value: dict[Instrument, InstrumentStatus]
    ) -> dict[Instrument, InstrumentStatus]:
        missing = [name for name in INSTRUMENTS if name not in value]
        if missing:
            raise ValueError(f"give a status for {', '.join(missing)}")
        return value

    @model_validator(mode="after")
    def _review_is_signed(self) -> Self:
        if self.review_status == "reviewed" and not (self.reviewed_by and self.reviewed_on):
            raise ValueError("a reviewed catalog needs reviewed_by and reviewed_on")
        if self.reviewed_on is not None and not self.reviewed_by:
            raise ValueError("reviewed_on without reviewed_by")
        original = {n for n, s in self.validated_instruments.items() if s == "original"}
        if (self.review_status == "source") != bool(original):
            raise ValueError("only the source language has the original instrument wording")
        return self


class LanguageRegistry(BaseModel):
    """``i18n/languages.yaml``: every language, in the order the picker shows them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: dict[str, LanguageEntry]

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: dict[str, LanguageEntry]) -> dict[str, LanguageEntry]:
        for code, entry in value.items():
            if not _CATALOG_CODE.match(code):
                raise ValueError(f"{code!r} is not a catalog name such as 'es' or 'zh_Hans'")
            if (code == SOURCE_LANGUAGE) != (entry.review_status == "source"):
                raise ValueError(f"{code}: only {SOURCE_LANGUAGE!r} is the source language")
        if SOURCE_LANGUAGE not in value:
            raise ValueError(f"the source language {SOURCE_LANGUAGE!r} needs an entry")
        return value


def load_registry(path: Path) -> LanguageRegistry:
    """Read and validate a languages file; raises ``ValueError`` naming the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    try:
        return LanguageRegistry.model_validate(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def tag_of(catalog: str) -> str:
    """The BCP 47 tag for a catalog name: ``zh_Hans`` → ``zh-Hans``."""
    return catalog.replace("_", "-")


def babel_direction(catalog: str) -> Direction:
    """CLDR's direction for a catalog (loads its locale data: ~1 MB each, kept)."""
    return "rtl" if Locale.parse(catalog).text_direction == "rtl" else "ltr"


# ISO 15924 scripts written right to left (Unicode bidi class R or AL) that
# a language spoken in London may be written in. tests/i18n checks that each
# registered language's direction agrees with CLDR's.
RTL_SCRIPTS = frozenset(
    {"Adlm", "Arab", "Aran", "Hebr", "Mand", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"}
)


def entry_direction(entry: LanguageEntry) -> Direction:
    """How a registered language is written: its override, else its script's.

    Not asked of Babel at start-up: loading CLDR data for every offered
    language would keep ~15 MB in the kiosk for one bit each.
    """
    if entry.direction is not None:
        return entry.direction
    return "rtl" if entry.script in RTL_SCRIPTS else "ltr"


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # BCP 47: URLs, sessions, lang="…"
    endonym: str
    direction: Direction
    catalog: str  # the folder under i18n/
    entry: LanguageEntry


@dataclass(frozen=True, slots=True)
class Progress:
    """How much of the current template a catalog translates (fuzzy counts as not)."""

    translated: int
    total: int

    @property
    def percent(self) -> int:
        # Rounded down: 99.7% is not "100%" while a string is missing.
        return 100 * self.translated // self.total if self.total else 100


def catalog_progress(locale_dir: Path, catalog: str) -> Progress | None:
    """Translated messages in ``<catalog>/LC_MESSAGES/messages.po`` against
    ``messages.pot``; ``None`` when the ``.po`` is not there."""
    po = locale_dir / catalog / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return None
    with po.open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    pot = locale_dir / f"{DOMAIN}.pot"
    if pot.is_file():
        with pot.open("rb") as fh:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    else:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in messages}
    done = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in messages
        if not m.fuzzy and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    }
    return Progress(translated=len(done & wanted), total=len(wanted))


class Catalogs:
    """The offered languages and a ready Jinja environment for each.

    ``i18n/languages.yaml`` (or, if ``locale_dir`` has none, the one shipped
    in the project) is loaded and validated here, at start-up: a broken file
    stops the kiosk rather than showing a half-described language.
    """

    def __init__(self, locale_dir: Path) -> None:
        self._locale_dir = locale_dir
        own = locale_dir / REGISTRY_FILE
        self.registry_path = own if own.is_file() else SHIPPED_REGISTRY
        self.registry = load_registry(self.registry_path)
        self.languages: dict[str, Language] = self._offered()
        self._environments: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}

    @property
    def locale_dir(self) -> Path:
        return self._locale_dir

    def compiled(self) -> set[str]:
        """Catalog names that have a compiled ``.mo``."""
        if not self._locale_dir.is_dir():
            return set()
        return {mo.parent.parent.name for mo in self._locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}

    def _offered(self) -> dict[str, Language]:
        compiled = self.compiled()
        for stray in sorted(compiled - set(self.registry.languages)):
            log.warning("catalog %s is compiled but has no entry in %s", stray, REGISTRY_FILE)
        offered: dict[str, Language] = {}
        for catalog, entry in self.registry.languages.items():
            if catalog != SOURCE_LANGUAGE and catalog not in compiled:
                continue
            language = Language(
                code=tag_of(catalog),
                endonym=entry.endonym,
                direction=entry_direction(entry),
                catalog=catalog,
                entry=entry,
            )
            offered[language.code] = language
        return offered

    def translations(self, code: str) -> NullTranslations:
        """The catalog for an offered language's tag; English (none) otherwise."""
        if code not in self._translations:
            loaded: NullTranslations = NullTranslations()
            language = self.languages.get(code)
            if language is not None and code != SOURCE_LANGUAGE:
                loaded = Translations.load(str(self._locale_dir), [language.catalog], domain=DOMAIN)
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
            language = self.languages.get(code)
            right_to_left = language is not None and language.direction == "rtl"
            env.filters["ltr_runs"] = ltr_runs if right_to_left else escaped
            translations = self.translations(code)
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            env.globals.update(fast_gettext(translations))
            rendered_once = RenderedOnce(env)
            env.globals.update(fixed=rendered_once.component, once=rendered_once.once)
            self._environments[code] = env
        return self._environments[code]

    def gettext(self, code: str, message: str) -> str:
        return self.translations(code).gettext(message)
