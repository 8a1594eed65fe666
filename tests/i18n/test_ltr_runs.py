"""``ltr_runs``: phone numbers isolated as left-to-right runs, nothing else touched."""

from __future__ import annotations

import pytest
from jinja2 import Environment
from markupsafe import Markup

from kiosk_app.web.template_text import ltr_runs


def _bdi(number: str) -> str:
    return f'<bdi dir="ltr">{number}</bdi>'


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Samaritans: call 116 123", ["116 123"]),
        ("خط الأزمات: 0800 731 2864 مجاني", ["0800 731 2864"]),
        ("اتصل بالرقم 999.", ["999"]),
        ("Call 111 and choose option 2", ["111"]),
        ("Text SHOUT to 85258", ["85258"]),
        ("Textphone: 18001 111", ["18001 111"]),
        ("0300 123 1044 or 020 7188 0995", ["0300 123 1044", "020 7188 0995"]),
        ("Nbsp\u00a0groups 0800\u00a0731\u00a02864", ["0800\u00a0731\u00a02864"]),
    ],
)
def test_phone_numbers_are_isolated(text: str, numbers: list[str]) -> None:
    out = str(ltr_runs(Markup(text)))
    for number in numbers:
        assert _bdi(number) in out
    assert out.count("<bdi") == len(numbers)


@pytest.mark.parametrize(
    "text",
    [
        "Your blood pressure: 128/82 mmHg",  # slash-joined: the bidi algorithm keeps it whole
        "Check your health in about 10 minutes",
        "You are 40 or over, aged 18 to 24",
        "1110 and 9990 and 2111",  # 111 and 999 only on their own
        "SE1 7EH",
        "A1112 road",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert str(ltr_runs(Markup(text))) == text


def test_tags_attributes_and_character_references_are_never_changed() -> None:
    html = Markup(
        '<a href="/language/ar?next=/check/11111" data-n="999" id="x-0800 731 2864">'
        "call 999</a> &#127760; &#x1F310;"
    )
    out = str(ltr_runs(html))
    assert out == (
        '<a href="/language/ar?next=/check/11111" data-n="999" id="x-0800 731 2864">'
        f"call {_bdi('999')}</a> &#127760; &#x1F310;"
    )


def test_text_already_isolated_or_not_laid_out_is_skipped() -> None:
    html = Markup(
        f"<title>Call 999</title><p>{_bdi('116 123')} or 111</p>"
        "<script>const n = 99999;</script><style>.a{width:11111px}</style>"
    )
    out = str(ltr_runs(html))
    assert out == (
        f"<title>Call 999</title><p>{_bdi('116 123')} or {_bdi('111')}</p>"
        "<script>const n = 99999;</script><style>.a{width:11111px}</style>"
    )
    assert ltr_runs(ltr_runs(html)) == ltr_runs(html)  # idempotent


def test_plain_strings_are_escaped_first() -> None:
    out = ltr_runs("<script>alert(1)</script> call 999")
    assert isinstance(out, Markup)
    assert str(out) == f"&lt;script&gt;alert(1)&lt;/script&gt; call {_bdi('999')}"


def test_works_as_a_filter_on_gettext_output_and_on_blocks() -> None:
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.filters["ltr_runs"] = ltr_runs
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    page = env.from_string(
        '{{ _("Call 999 or go to A&E now")|ltr_runs }}'
        "|{% filter ltr_runs %}<li>Samaritans: call 116 123 – {{ user }}</li>{% endfilter %}"
    ).render(user="<b>0800 000 0000</b>")
    assert page == (
        f"Call {_bdi('999')} or go to A&E now"
        f"|<li>Samaritans: call {_bdi('116 123')} – &lt;b&gt;{_bdi('0800 000 0000')}&lt;/b&gt;</li>"
    )
