"""Find English left on a page rendered in another language.

``page_text(html)`` is what a resident reads or hears: text nodes (visually
hidden ones too: a screen reader speaks them) and the spoken attributes,
with block elements on their own lines and inline ones (``<bdi>``,
``<strong>`` …) joined into their sentence. Text inside an element whose
``lang`` is another language is left out: the language picker lists every
language by its own name on purpose.

``EnglishFinder(catalog)`` then looks for English in that text, two ways:

* **Any language:** an English msgid of i18n/messages.pot, found with word
  boundaries (placeholders match their values). A msgid is not reported
  when the language's own catalog uses that same text in some translation:
  "Error" is Spanish too, and most languages keep "mmHg" and "BMI", so a
  correct translation is never taken for a leftover.
* **Languages not written in the Latin script:** any Latin-letter word at
  all, unless the catalog itself uses it or it is in ``LATIN_ALLOWED``. This
  catches English that never went through gettext (a hard-coded word, or a
  default of the NHS.UK macros such as "Error" or "Information").

``LATIN_ALLOWED``, the documented allow-list: units and codes that are the
same in every language, and what the walk itself gave (a postcode is
shown back on the review page as the resident typed it; the borough's name
is filled into "the services shown are for %(borough)s"). Web and email
addresses are skipped too: they are Latin in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from babel.messages.catalog import Catalog

from tests.i18n.catalogs import ids, messages, strings, template

# Words a Latin-letter check must let through in any script.
LATIN_ALLOWED = frozenset(
    {
        "mmHg",  # the unit, written the same everywhere
        "cm",
        "kg",
        "SE",  # the walk's postcode, SE1 7EH, shown back on the review page
        "EH",
        "Southwark",  # the walk's borough, a place name filled into a message
    }
)
SPOKEN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
# fmt: off
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
})
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
})
# fmt: on
_UNREAD = frozenset({"script", "style", "template", "svg"})
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
# Web and email addresses are written in Latin letters in every language.
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|(https?://)?[\w-]+(\.[\w-]+)+(/\S*)?")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.lines: list[str] = [""]
        # (tag, text here is read: not foreign, not script)
        self.stack: list[tuple[str, bool]] = []

    @property
    def reading(self) -> bool:
        return not self.stack or self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.page_lang = values.get("lang", "")
            return
        lang = values.get("lang")
        reading = (
            self.reading
            and tag not in _UNREAD
            and (lang is None or lang.split("-")[0] == self.page_lang.split("-")[0])
        )
        if reading:
            for name in SPOKEN_ATTRIBUTES:
                if values.get(name):
                    self.lines += [values[name], ""]
        if tag not in _INLINE:
            self.lines.append("")
        if tag not in _VOID:
            self.stack.append((tag, reading))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break
        if tag not in _INLINE:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.reading:
            self.lines[-1] += data


def page_text(html: str) -> str:
    """One line per block of text a resident reads or hears."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in reader.lines)
    return "\n".join(line for line in lines if line)


def _pattern(msgid: str) -> re.Pattern[str] | None:
    literal = _PLACEHOLDER.split(msgid)
    if not any(re.search(r"[A-Za-z]{2}", part) for part in literal):
        return None  # nothing English in it ("%(systolic)s/%(diastolic)s")
    body = r"\S+".join(r"\s+".join(map(re.escape, part.split())) for part in literal)
    start = r"(?<!\w)" if re.match(r"\w", msgid) else ""
    end = r"(?!\w)" if re.search(r"\w$", msgid) else ""
    return re.compile(start + body + end)


@dataclass
class EnglishFinder:
    """The English a page in ``catalog``'s language must not contain."""

    catalog: Catalog
    latin_script: bool
    # msgid -> (its longest word, a quick test before the regex; its pattern)
    patterns: dict[str, tuple[str, re.Pattern[str]]] = field(init=False)
    own_words: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        own = "\n".join(text for m in messages(self.catalog) for text in strings(m))
        self.own_words = frozenset(LATIN_WORD.findall(own))
        self.patterns = {}
        for message in messages(template()):
            for msgid in ids(message):
                pattern = _pattern(msgid)
                if msgid in LATIN_ALLOWED:  # "mmHg" is a msgid and also written as is
                    continue
                if pattern is not None and not pattern.search(own):
                    words = _PLACEHOLDER.sub(" ", msgid).split()
                    self.patterns[msgid] = (max(words, key=len), pattern)

    def find(self, html: str) -> list[str]:
        """Everything English on the page, each once, in the order found."""
        text = page_text(html)
        matches = [
            (m.start(), m.end(), msgid)
            for msgid, (word, pattern) in self.patterns.items()
            if word in text
            for m in pattern.finditer(text)
        ]
        # A msgid inside a longer English match is part of it ("a day" in
        # "24 hours a day"): report the longer one only.
        found = [
            msgid
            for start, end, msgid in sorted(matches)
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in matches)
        ]
        if not self.latin_script:
            rest = list(text)
            for start, end, _ in matches:
                rest[start:end] = " " * (end - start)
            words = LATIN_WORD.findall(_ADDRESS.sub(" ", "".join(rest)))
            found += [w for w in words if w not in self.own_words and w not in LATIN_ALLOWED]
        return list(dict.fromkeys(found))
