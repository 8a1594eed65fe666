"""NHS.UK components rendered once per language (kiosk_app/web/components.py)."""

from __future__ import annotations

from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from kiosk_app.web.components import RenderedOnce, macro_name


def _environment() -> Environment:
    # As the kiosk's environments: the NHS.UK macros read optional keys.
    return Environment(
        loader=PackageLoader("nhsuk_frontend_jinja"),
        autoescape=True,
        undefined=ChainableUndefined,
    )


def test_macro_names_follow_the_component_folders() -> None:
    assert macro_name("button") == "button"
    assert macro_name("back-link") == "backLink"
    assert macro_name("warning-callout") == "warningCallout"


def test_the_same_markup_as_calling_the_component_macro() -> None:
    env = _environment()
    fixed = RenderedOnce(env)
    params = {"text": "Finish & clear", "href": "/end", "classes": "nhsuk-button--secondary"}
    direct = env.from_string(
        '{% from "nhsuk/components/button/macro.jinja" import button %}{{ button(p) }}'
    ).render(p=params)
    rendered = fixed.component("button", params)
    assert isinstance(rendered, Markup)
    assert str(rendered) == direct
    assert "Finish &amp; clear" in rendered  # the label escaped once, by the macro
    back = fixed.component("back-link", {"href": "/check", "text": "Back"})
    assert 'href="/check"' in back
    assert "Back" in back


def test_rendered_once_then_reused_and_bounded() -> None:
    env = _environment()
    fixed = RenderedOnce(env, max_entries=2)
    first = fixed.component("button", {"text": "Continue"})
    assert fixed.component("button", {"text": "Continue"}) is first
    fixed.component("button", {"text": "Start now"})
    fixed.component("button", {"text": "Skip"})
    # Oldest first out: the bound holds even if a template passed something varying.
    assert len(fixed) == 2
    assert fixed.component("button", {"text": "Continue"}) is not first


def test_parameters_in_another_order_are_the_same_component() -> None:
    fixed = RenderedOnce(_environment())
    one = fixed.component("button", {"text": "Continue", "variant": "secondary"})
    assert fixed.component("button", {"variant": "secondary", "text": "Continue"}) is one
    assert len(fixed) == 1


def test_once_keeps_a_macro_output_under_its_key() -> None:
    env = _environment()
    fixed = RenderedOnce(env)
    card = env.from_string("{% macro card(name, n) %}<p>{{ name }} {{ n }}</p>{% endmacro %}")
    macro = card.module.card  # type: ignore[attr-defined]
    first = fixed.once(("card", "A&B"), macro, "A&B", 1)
    assert str(first) == "<p>A&amp;B 1</p>"
    # Same key: the kept markup, even though the argument differs (the key
    # is the caller's promise of what the output depends on).
    assert fixed.once(("card", "A&B"), macro, "A&B", 2) is first
    assert str(fixed.once(("card", "C"), macro, "C", 3)) == "<p>C 3</p>"
