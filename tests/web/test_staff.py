"""The staff passcode and staff sessions (kiosk_app/web/staff.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk_app.web.staff import (
    LOCKOUT_S,
    MAX_FAILURES,
    PASSCODE_FILE,
    PasscodeError,
    StaffSessions,
    read_passcode_hash,
    verify_passcode,
    write_passcode,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_only_an_argon2id_hash_is_kept_readable_by_its_owner_alone(tmp_path: Path) -> None:
    path = write_passcode(tmp_path / "keys", "pharmacy-7731")
    assert path == tmp_path / "keys" / PASSCODE_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = read_passcode_hash(tmp_path / "keys")
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "pharmacy-7731" not in path.read_text()
    assert verify_passcode(stored, "pharmacy-7731")
    assert not verify_passcode(stored, "pharmacy-7732")
    assert not verify_passcode(stored, "x" * 10_000)


def test_setting_it_again_replaces_it(tmp_path: Path) -> None:
    write_passcode(tmp_path, "first-passcode")
    write_passcode(tmp_path, "second-passcode")
    stored = read_passcode_hash(tmp_path)
    assert stored is not None
    assert verify_passcode(stored, "second-passcode")
    assert not verify_passcode(stored, "first-passcode")
    assert sorted(p.name for p in tmp_path.iterdir()) == [PASSCODE_FILE]


@pytest.mark.parametrize("passcode", ["", "1234567", "x" * 257])
def test_too_short_or_too_long_is_refused(tmp_path: Path, passcode: str) -> None:
    with pytest.raises(PasscodeError, match="passcode"):
        write_passcode(tmp_path, passcode)
    assert read_passcode_hash(tmp_path) is None


def test_an_unsafe_or_foreign_file_is_refused(tmp_path: Path) -> None:
    path = write_passcode(tmp_path, "pharmacy-7731")
    path.chmod(0o644)
    with pytest.raises(PasscodeError, match="chmod 600"):
        read_passcode_hash(tmp_path)
    path.write_text("pharmacy-7731\n")
    path.chmod(0o600)
    with pytest.raises(PasscodeError, match="not an argon2 hash"):
        read_passcode_hash(tmp_path)


def test_sessions_end_after_idle_time_and_on_sign_out() -> None:
    clock = Clock()
    sessions = StaffSessions(idle_s=900, clock=clock)
    token = sessions.sign_in()
    other = sessions.sign_in()
    assert token != other
    clock.now += 899
    assert sessions.touch(token)  # and the idle time starts again
    clock.now += 899
    assert sessions.touch(token)
    assert not sessions.touch(other)  # 1798 s idle
    sessions.sign_out(token)
    assert not sessions.touch(token)
    assert not sessions.touch(None)
    assert not sessions.touch("made-up")
    assert len(sessions) == 0


def test_wrong_passcodes_lock_the_sign_in_for_a_while() -> None:
    clock = Clock()
    sessions = StaffSessions(idle_s=900, clock=clock)
    for _ in range(MAX_FAILURES - 1):
        sessions.failed()
    assert sessions.locked_for() == 0
    sessions.sign_in()  # a success forgets the failures before it
    for _ in range(MAX_FAILURES - 1):
        sessions.failed()
    assert sessions.locked_for() == 0
    sessions.failed()
    assert sessions.locked_for() == LOCKOUT_S
    clock.now += LOCKOUT_S - 1
    assert sessions.locked_for() == 1
    clock.now += 1
    assert sessions.locked_for() == 0
