"""The installed ``vital5`` command, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk_app.web.staff import PASSCODE_FILE, read_passcode_hash, verify_passcode

ROOT = Path(__file__).resolve().parents[1]
VITAL5 = str(Path(sys.executable).parent / "vital5")


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VITAL5, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_score_reads_the_documented_example() -> None:
    done = run("score", stdin=(ROOT / "docs" / "examples" / "answers.json").read_text())
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # Reading 1 158/96 ≥ 140/90; reading 2 144/90 differs by 14 (> 10) so
    # reading 3 147/91 is taken; recorded = lower of 2 and 3 (clinical.md §9 B2).
    assert result["blood_pressure"]["recorded"]["systolic"] == 144
    assert result["blood_pressure"]["category"] == "stage_1"
    # AUDIT-C 3 + 1 + 1 = 5: increasing risk (clinical.md §3.3).
    assert result["alcohol"]["total"] == 5
    assert result["alcohol"]["band"] == "increasing_risk"


def test_score_rejects_bad_input_with_one_clear_line() -> None:
    done = run("score", stdin='{"about": {"age": 40, "sex": "female", "ethnicity": "martian"}}')
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: about.ethnicity")


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "kiosk.sqlite3"
    done = run("migrate", env={"VITAL5_DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert db.is_file()


def test_staff_set_passcode_keeps_only_a_hash_the_kiosk_verifies(tmp_path: Path) -> None:
    env = {"VITAL5_KEYS_DIR": str(tmp_path / "keys"), "PATH": "/usr/bin:/bin"}
    done = run("staff", "set-passcode", stdin="pharmacy-7731\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "only its hash is kept" in done.stdout
    stored = read_passcode_hash(tmp_path / "keys")
    assert stored is not None
    assert verify_passcode(stored, "pharmacy-7731")
    assert "pharmacy-7731" not in (tmp_path / "keys" / PASSCODE_FILE).read_text()

    short = run("staff", "set-passcode", stdin="1234\n", env=env)
    assert short.returncode == 2
    assert short.stderr == "error: a passcode needs at least 8 characters\n"
    assert verify_passcode(read_passcode_hash(tmp_path / "keys") or "", "pharmacy-7731")
