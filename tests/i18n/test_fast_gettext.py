"""``_``/``gettext``/``ngettext`` behave exactly like Jinja's new-style gettext."""

from __future__ import annotations

import pytest
from babel.support import NullTranslations
from jinja2 import Environment

from kiosk_app.web.template_text import fast_gettext

TEMPLATES = (
    '{{ _("Call 999") }}',
    '{{ _("100%% sure") }}',
    '{{ _("Your score: %(score)s out of 12", score=s) }}',
    '{{ _("Hello %(name)s", name=user) }}',
    '{{ gettext("Skip to main content") }}',
    '{{ ngettext("%(num)s reading", "%(num)s readings", n) }}',
    '{{ ngettext("one apple", "%(num)s apples", 1) }}',
    "{% trans %}Plain words{% endtrans %}",
    "{% trans name=user %}Hello {{ name }}{% endtrans %}",
    "{% trans count=n %}{{ count }} reading{% pluralize %}{{ count }} readings{% endtrans %}",
)


def _environment(fast: bool) -> Environment:
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    translations = NullTranslations()
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    if fast:
        env.globals.update(fast_gettext(translations))
    return env


@pytest.mark.parametrize("source", TEMPLATES)
def test_same_output_as_jinja_new_style_gettext(source: str) -> None:
    values = {"s": 7, "user": "<b>Ana & Bo</b>", "n": 3}
    expected = _environment(fast=False).from_string(source).render(values)
    assert _environment(fast=True).from_string(source).render(values) == expected


def test_variables_are_escaped_and_double_percent_is_one() -> None:
    page = (
        _environment(fast=True)
        .from_string('{{ _("%(who)s: 100%% done", who=user) }}')
        .render(user="<script>")
    )
    assert page == "&lt;script&gt;: 100% done"
