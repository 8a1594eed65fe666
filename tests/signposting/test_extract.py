"""The Babel extractor offers every string a resident reads in services.yaml,
and nothing they do not (ids, numbers, addresses, sources, staff notes)."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk_app.signposting import load_directory
from kiosk_app.signposting.extract import extract_services

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = b"""\
# a comment
- id: helpline
  name: A helpline
  description: >-
    Call us about
    anything.
  boroughs: [all]
  contact: {phone: "111", phone_note: "then press 2", text: "Text HELP to 85258", web: "x.org"}
  languages:
    - "Interpreters on request."
  hours: "Every day."
  source: "example.org"
  notes: "Staff only."
- id: quiet
  name: Quiet
  description: It helps.
  hours: ""
  languages: []
- "not a service"
"""


def _extract(data: bytes) -> list[tuple[int, str | None, str, list[str]]]:
    return list(extract_services(io.BytesIO(data), {}, [], {}))


def test_extracts_resident_text_with_lines_and_comments() -> None:
    found = _extract(SAMPLE)
    assert [(line, message) for line, _, message, _ in found] == [
        (3, "A helpline"),
        (4, "Call us about anything."),  # folded as the loader folds it
        (8, "then press 2"),
        (8, "Text HELP to 85258"),
        (10, "Interpreters on request."),
        (11, "Every day."),
        (15, "Quiet"),
        (16, "It helps."),
    ]
    comments = {message: c for _, _, message, c in found}
    assert comments["A helpline"][0] == "service helpline: name"
    assert "Keep the word to text" in comments["Text HELP to 85258"][1]
    assert all(funcname is None for _, funcname, _, _ in found)


def test_skips_ids_numbers_addresses_sources_and_notes() -> None:
    messages = {m for _, _, m, _ in _extract(SAMPLE)}
    for not_for_residents in ("helpline", "111", "x.org", "example.org", "Staff only.", "all"):
        assert not_for_residents not in messages


def test_not_a_list_extracts_nothing() -> None:
    assert _extract(b"services: {}\n") == []
    assert _extract(b"") == []


def _resident_strings() -> set[str]:
    shipped = load_directory(ROOT / "signposting")
    return {text for s in shipped.services for _, text in s.resident_text() if text}


def test_every_shipped_string_is_extracted() -> None:
    with (ROOT / "signposting" / "services.yaml").open("rb") as fh:
        extracted = {m for _, _, m, _ in extract_services(fh, {}, [], {})}
    assert extracted == _resident_strings()


def test_every_shipped_string_is_in_the_catalog_template() -> None:
    with (ROOT / "i18n" / "messages.pot").open("rb") as fh:
        msgids = {m.id for m in read_po(fh) if isinstance(m.id, str)}
    assert not _resident_strings() - msgids, "run `make i18n-extract`"
