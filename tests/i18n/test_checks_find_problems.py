"""The catalog checks themselves: each finds the mistake it is for.

A broken Spanish catalog with one mistake per message, so a check that
silently stopped looking would fail here rather than pass on real catalogs.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog

from tests.i18n.catalogs import (
    brace_problems,
    checker_errors,
    dialled_problems,
    percent_problems,
    placeholder_problems,
    stale,
    untranslated,
)


def _catalog(*entries: tuple[str, str]) -> Catalog:
    """Flagged as pybabel extract would: python-format or python-brace-format."""
    cat = Catalog(locale="es")
    for msgid, msgstr in entries:
        flags = ["python-format"] if "%(" in msgid else []
        flags += ["python-brace-format"] if "{" in msgid else []
        cat.add(msgid, msgstr, flags=flags)
    return cat


def test_untranslated_fuzzy_and_absent_messages_are_listed() -> None:
    wanted = _catalog(("Yes", ""), ("No", ""), ("Back", ""))
    cat = _catalog(("Yes", "Sí"), ("No", ""))
    cat.add("Back", "Atrás", flags=["fuzzy"])
    assert untranslated(cat, wanted) == ["No", "Back"]


def test_messages_gone_from_the_template_are_listed() -> None:
    assert stale(_catalog(("Old", "Viejo")), _catalog(("New", ""))) == ["Old"]


def test_placeholders_renamed_or_dropped_are_found() -> None:
    cat = _catalog(
        ("Reading %(num)s", "Lectura %(numero)s"),
        ("Pulse must be {min} or more", "El pulso debe ser de al menos 40"),
        (
            "Your reading was %(systolic)s/%(diastolic)s mmHg.",
            "Su lectura fue %(systolic)s/%(diastolic)s mmHg.",
        ),
    )
    problems = placeholder_problems(cat)
    assert len(problems) == 2, problems
    assert checker_errors(cat)  # Babel's python_format sees the renamed one too


def test_a_plural_form_may_leave_the_number_out_but_not_invent_one() -> None:
    cat = Catalog(locale="es")
    cat.add(
        ("%(num)s minute", "%(num)s minutes"),
        ("un minuto", "%(num)s minutos"),
        flags=["python-format"],
    )
    assert placeholder_problems(cat) == []
    cat.add(
        ("%(num)s day", "%(num)s days"), ("%(dias)s día", "%(num)s días"), flags=["python-format"]
    )
    assert len(placeholder_problems(cat)) == 1


def test_a_lone_percent_sign_is_found() -> None:
    cat = _catalog(
        ("Half of adults", "%50 of adults"),
        ("Ten percent", "10%% percent"),
        ("Fine", "Bien"),
    )
    problems = percent_problems(cat)
    assert [p.split(":")[0] for p in problems] == ["'Half of adults'", "'Ten percent'"]


def test_a_stray_brace_is_found() -> None:
    cat = _catalog(("Check the number. Is {value} correct?", "¿Es {value} correcto? {"))
    assert len(brace_problems(cat)) == 1


def test_changed_phone_numbers_are_found() -> None:
    cat = _catalog(
        ("Call 999 or go to A&E now", "Llame al 112 o vaya a urgencias"),
        ("Samaritans: call 116 123", "Samaritanos: llame al 116123"),
        ("Call 111 and choose option 2", "Llame al 111 y elija la opción 2"),
    )
    problems = dialled_problems(cat)
    assert len(problems) == 2, problems
    assert "999" in problems[0]
    assert "116 123" in problems[1]
