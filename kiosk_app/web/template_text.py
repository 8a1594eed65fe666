"""What the templates call on every page: gettext, and phone numbers kept in order.

Both are installed per language by ``i18n.Catalogs.environment``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from babel.support import NullTranslations
from markupsafe import Markup, escape

# Every message a catalog can translate, with room to spare; a bound in case
# a template ever passed something other than text from the code or data.
_MAX_PLAIN_MESSAGES = 4096


def fast_gettext(translations: NullTranslations) -> dict[str, Callable[..., Markup]]:
    """``_``, ``gettext`` and ``ngettext`` for an autoescaping environment.

    The same as Jinja's "new style" gettext (the translation is markup, and
    always a format string, so ``%%`` means ``%`` whether or not there are
    variables, and the variables are escaped), without two trips through
    the template context per call: a results page makes about sixty.

    A message without variables comes out the same every time, so it is
    kept once done. Messages come from the templates, the form and the
    service directory, never from a resident: nothing personal is kept.
    """
    plain: dict[str, Markup] = {}

    def gettext(message: str, /, **variables: object) -> Markup:
        if variables:
            return Markup(translations.gettext(message)) % variables  # noqa: S704 (our catalog)
        done = plain.get(message)
        if done is None:
            done = Markup(translations.gettext(message)) % {}  # noqa: S704
            if len(plain) < _MAX_PLAIN_MESSAGES:
                plain[message] = done
        return done

    def ngettext(singular: str, plural: str, n: int, /, **variables: object) -> Markup:
        variables.setdefault("num", n)
        return Markup(translations.ngettext(singular, plural, n)) % variables  # noqa: S704

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


# ---- Left-to-right runs inside right-to-left text ------------------------------

# A phone number's digit groups are separated by spaces, and in a
# right-to-left paragraph the bidi algorithm lays those groups out right to
# left: "0800 731 2864" would read "2864 731 0800". Isolating the number as
# a left-to-right run keeps it whole. Matched: 5+ characters of digits and
# spaces starting and ending with a digit, and the short numbers 111 and 999;
# never part of a longer word or number, nor of a character reference
# ("&#127760;").
_PHONE_LIKE = re.compile(r"(?<![0-9A-Za-z#&])(?:[0-9][0-9 \u00a0]{3,}[0-9]|111|999)(?![0-9A-Za-z])")
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Text in these is not shown as laid-out text (or is already isolated).
_SKIP_INSIDE = frozenset({"bdi", "script", "style", "title", "textarea", "option"})


def escaped(value: object) -> Markup:
    """``ltr_runs`` for a left-to-right language: a number already reads in order."""
    return value if isinstance(value, Markup) else escape(value)


def ltr_runs(value: object) -> Markup:
    """Wrap phone-number-like runs in ``<bdi dir="ltr">`` (a Jinja filter).

    Works on HTML: only text between tags changes, never a tag or attribute,
    nor text already inside a ``<bdi>``. A plain string is escaped first, so
    the filter is safe on untrusted text.
    """
    html = str(value if isinstance(value, Markup) else escape(value))
    parts = _TAG.split(html)
    open_skips: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            match = _TAG_NAME.match(part)
            if match is None:
                continue
            name = match.group(1).lower()
            if name in _SKIP_INSIDE:
                if part.startswith("</"):
                    if name in open_skips:
                        del open_skips[len(open_skips) - 1 - open_skips[::-1].index(name)]
                elif not part.endswith("/>"):
                    open_skips.append(name)
        elif part and not open_skips:
            parts[i] = _PHONE_LIKE.sub(r'<bdi dir="ltr">\g<0></bdi>', part)
    return Markup("".join(parts))  # noqa: S704  (only our own <bdi> tags are added)
