"""The catalog template is complete and current, so translators see every string."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from kiosk_app.questionnaire.extract import TRANSLATABLE_KEYS

ROOT = Path(__file__).resolve().parents[2]


def _msgids(pot: Path) -> set[str]:
    with pot.open("rb") as fh:
        return {str(m.id) if isinstance(m.id, str) else str(m.id[0]) for m in read_po(fh) if m.id}


def _extract(tmp_path: Path) -> Path:
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", "i18n/babel.toml", "-k", "N_", "-o", str(out), ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return out


def _form_strings(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TRANSLATABLE_KEYS and isinstance(value, str):
                found.add(value)
            else:
                found |= _form_strings(value)
    elif isinstance(node, list):
        for item in node:
            found |= _form_strings(item)
    return found


def test_committed_template_matches_a_fresh_extraction(tmp_path: Path) -> None:
    fresh = _msgids(_extract(tmp_path))
    committed = _msgids(ROOT / "i18n" / "messages.pot")
    assert fresh == committed, "run `make i18n-extract` and commit i18n/messages.pot"


def test_every_question_string_is_offered_for_translation() -> None:
    form = yaml.safe_load((ROOT / "forms" / "vital5.yaml").read_text(encoding="utf-8"))
    strings = _form_strings(form)
    assert "Are you pregnant?" in strings  # the walk itself finds form text
    missing = strings - _msgids(ROOT / "i18n" / "messages.pot")
    assert not missing


def test_option_labels_are_offered_but_codes_are_not() -> None:
    msgids = _msgids(ROOT / "i18n" / "messages.pot")
    assert "I'd prefer not to say" in msgids
    assert "Nearly every day" in msgids
    assert "not_stated" not in msgids
    assert "black_african" not in msgids
