"""The project's translation catalogs, read the way Babel reads them, for the i18n tests."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "i18n"
POT = I18N / "messages.pot"
REGISTRY = I18N / "languages.yaml"

# Every catalog folder holding a .po, whether or not languages.yaml knows it.
CATALOG_CODES = sorted(p.parent.parent.name for p in I18N.glob("*/LC_MESSAGES/messages.po"))

# Placeholders: %(name)s for the templates' _(), {name} for the Python
# messages that are .format()ed (kiosk_app/web/routes/questions.py).
PERCENT_NAMED = re.compile(r"%\((\w+)\)[sd]")
BRACE_NAMED = re.compile(r"\{(\w*)\}")
# Numbers a resident may dial or text: digit groups with spaces (at least
# five characters), and the short numbers 999 and 111.
DIALLED = re.compile(r"(?<![0-9])(?:[0-9][0-9 ]{3,}[0-9]|999|111)(?![0-9])")


@cache
def template() -> Catalog:
    with POT.open("rb") as fh:
        return read_po(fh)


@cache
def catalog(code: str) -> Catalog:
    with (I18N / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=code)


def key(message: Message) -> str:
    """The singular msgid, which is how gettext finds a message."""
    return message.id if isinstance(message.id, str) else message.id[0]


def ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(s or "" for s in message.string)


def messages(cat: Catalog) -> Iterator[Message]:
    return (m for m in cat if m.id)


def is_translated(message: Message) -> bool:
    return not message.fuzzy and all(strings(message))


def compile_catalogs(target: Path) -> Path:
    """The committed .po files compiled with Babel into ``target`` (as
    ``make i18n`` does), with languages.yaml and messages.pot beside them."""
    for code in CATALOG_CODES:
        out = target / code / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / "messages.mo").open("wb") as fh:
            write_mo(fh, catalog(code))
        shutil.copy(I18N / code / "LC_MESSAGES" / "messages.po", out / "messages.po")
    shutil.copy(REGISTRY, target / REGISTRY.name)
    shutil.copy(POT, target / POT.name)
    return target


# ---- Checks: each returns what is wrong (nothing when the catalog is fine) ----


def untranslated(cat: Catalog, wanted: Catalog) -> list[str]:
    """Messages of ``wanted`` (the template) with no usable translation in ``cat``."""
    done = {key(m) for m in messages(cat) if is_translated(m)}
    return [key(m) for m in messages(wanted) if key(m) not in done]


def stale(cat: Catalog, wanted: Catalog) -> list[str]:
    keep = {key(m) for m in messages(wanted)}
    return [key(m) for m in messages(cat) if key(m) not in keep]


def checker_errors(cat: Catalog) -> list[str]:
    """Babel's own checkers (python-format placeholders, plural count)."""
    return [
        f"{key(message)!r}: {'; '.join(str(e) for e in errors)}" for message, errors in cat.check()
    ]


def placeholder_problems(cat: Catalog) -> list[str]:
    wrong: list[str] = []
    for message in messages(cat):
        source = " ".join(ids(message))
        wanted_percent = set(PERCENT_NAMED.findall(source))
        wanted_brace = set(BRACE_NAMED.findall(source))
        for form, text in enumerate(strings(message)):
            if not text:
                continue
            percent, brace = set(PERCENT_NAMED.findall(text)), set(BRACE_NAMED.findall(text))
            # A plural form may leave the number out ("one minute"), but
            # nothing may be invented, and a singular message keeps them all.
            ok = (
                percent <= wanted_percent and brace <= wanted_brace
                if message.pluralizable
                else (percent, brace) == (wanted_percent, wanted_brace)
            )
            if not ok:
                wrong.append(f"{key(message)!r} [{form}]: {text!r}")
    return wrong


def percent_problems(cat: Catalog) -> list[str]:
    """The templates' _() is Jinja's newstyle gettext, which applies "%"
    formatting to every string, with or without values: a lone "%" (Turkish
    writes "%50") crashes the page. "%%" only where the English has it."""
    wrong: list[str] = []
    for message in messages(cat):
        source = " ".join(ids(message))
        values = dict.fromkeys(PERCENT_NAMED.findall(source), 47)
        for text in strings(message):
            bare = PERCENT_NAMED.sub("", text)
            if "%%" in bare and "%%" not in source:
                wrong.append(f"{key(message)!r}: '%%' where the English has none: {text!r}")
            elif "%" in bare.replace("%%", ""):
                wrong.append(f"{key(message)!r}: lone '%': {text!r}")
            else:
                try:
                    text % values
                except (ValueError, TypeError, KeyError) as exc:
                    wrong.append(f"{key(message)!r}: {exc}: {text!r}")
    return wrong


def brace_problems(cat: Catalog) -> list[str]:
    """Validation messages are str.format()ed with their {values}
    (kiosk_app/web/routes/questions.py): a stray brace crashes the page."""
    wrong: list[str] = []
    for message in messages(cat):
        if "python-brace-format" not in message.flags:
            continue
        values = dict.fromkeys(BRACE_NAMED.findall(" ".join(ids(message))), 47)
        for text in strings(message):
            try:
                text.format(**values)
            except (ValueError, IndexError, KeyError) as exc:
                wrong.append(f"{key(message)!r}: {exc}: {text!r}")
    return wrong


def dialled_problems(cat: Catalog) -> list[str]:
    """999, 111 and every helpline number stay in Western digits, spaced as
    in English: a resident dials what they read."""
    wrong: list[str] = []
    for message in messages(cat):
        numbers = set(DIALLED.findall(" ".join(ids(message))))
        for text in strings(message):
            lost = sorted(n for n in numbers if text and n not in text)
            if lost:
                wrong.append(f"{key(message)!r}: {', '.join(lost)} missing from {text!r}")
    return wrong


# ---- A pseudo-translation: every message "translated", no English left -------

# What a pseudo-translation keeps: placeholders, numbers (phone numbers are
# checked verbatim), and "&" (a character reference must survive).
_KEPT = re.compile(r"%\(\w+\)[sd]|\{\w*\}|[0-9][0-9 ]*[0-9]|[0-9]|&")
_LETTERS = re.compile(r"[A-Za-z'’]+")


def pseudo(text: str, letter: str) -> str:
    """``text`` with every English letter replaced by ``letter``."""
    out, last = [], 0
    for kept in _KEPT.finditer(text):
        out += [_LETTERS.sub(lambda w: letter * len(w[0]), text[last : kept.start()]), kept[0]]
        last = kept.end()
    return "".join([*out, _LETTERS.sub(lambda w: letter * len(w[0]), text[last:])])


def pseudo_catalog(code: str, letter: str) -> Catalog:
    """Every message of the current template, pseudo-translated into ``code``."""
    cat = Catalog(locale=code, domain="messages")
    for message in messages(template()):
        if isinstance(message.id, str):
            cat.add(message.id, pseudo(message.id, letter), flags=message.flags)
        else:
            forms = (pseudo(message.id[1], letter),) * cat.num_plurals
            cat.add(message.id, forms, flags=message.flags)
    return cat


def compile_pseudo(target: Path, code: str, letter: str) -> tuple[Path, Catalog]:
    """A locale folder offering only ``code``, pseudo-translated."""
    cat = pseudo_catalog(code, letter)
    out = target / code / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "messages.mo").open("wb") as fh:
        write_mo(fh, cat)
    shutil.copy(REGISTRY, target / REGISTRY.name)
    return target, cat
