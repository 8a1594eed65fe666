"""Smoke test for bench/: every benchmark runs end to end with tiny counts.

Checks only that each produces a well-formed result. It asserts no timing
and no memory figure: performance is measured by ``make bench``, never here.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import psutil
import pytest

from bench import __main__ as runner
from bench import drain, frame_to_browser, memory, submit_vs_floor
from bench._result import BenchResult, Spread, table


def assert_well_formed(result: BenchResult, name: str) -> None:
    assert result.name == name
    for spread in (result.baseline, result.subject, result.ratio):
        assert spread.n >= 1
        assert all(math.isfinite(x) and x > 0 for x in (spread.low, spread.median, spread.high))
        assert spread.low <= spread.median <= spread.high
    assert result.target
    assert name in table([result])


def test_submit_vs_floor_runs() -> None:
    result = submit_vs_floor.run(rounds=2, per_round=2, warmup_rounds=0)
    assert_well_formed(result, submit_vs_floor.NAME)
    assert result.baseline.n == result.subject.n == result.ratio.n == 2
    # Too few rounds to judge the target.
    assert result.target_met is None


def test_memory_runs_a_real_kiosk_process() -> None:
    result = memory.run(checks=3, concurrency=2, checkpoints=2)
    assert_well_formed(result, memory.NAME)
    assert result.target_met is None
    assert result.notes["active_sessions at end"] == "0"


def test_frame_to_browser_runs_and_leaves_nothing_behind() -> None:
    if not Path(frame_to_browser.CHROMIUM).is_file():
        message = f"{frame_to_browser.CHROMIUM} is missing (make browser-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run this benchmark.", pytrace=False)
        pytest.skip(message)
    fds_before = set(os.listdir("/proc/self/fd"))
    threads_before = set(threading.enumerate())
    # Other suites' session fixtures (the BLE tests' dbus-daemon) may still run.
    children_before = {child.pid for child in psutil.Process().children(recursive=True)}

    result = frame_to_browser.run(rounds=1, frames=2, warmup_rounds=0)

    assert_well_formed(result, frame_to_browser.NAME)
    assert result.ratio.n == 1
    assert result.target_met is None
    # No pty, socket, server thread or browser process outlives the run.
    assert set(os.listdir("/proc/self/fd")) <= fds_before
    assert set(threading.enumerate()) <= threads_before
    assert {child.pid for child in psutil.Process().children(recursive=True)} <= children_before


def test_drain_runs_against_a_real_upstream_and_leaves_nothing_behind() -> None:
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    result = drain.run(rounds=2, per_round=3, warmup_rounds=0)
    assert_well_formed(result, drain.NAME)
    assert result.ratio.n == 2
    assert result.unit == "records/s"
    assert result.target_met is None  # 6 records are not 10,000
    # The upstream process is stopped at the end.
    assert {child.pid for child in psutil.Process().children(recursive=True)} <= before


def test_runner_reports_a_failure_by_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> BenchResult:
        raise RuntimeError("the kiosk would not start")

    def fine() -> BenchResult:
        one = Spread.of([1.0])
        return BenchResult("fine", "ms", "a", "b", one, one, one, "ratio ≤ 2", False)

    monkeypatch.setitem(runner.QUICK, submit_vs_floor.NAME, fine)
    monkeypatch.setitem(runner.QUICK, frame_to_browser.NAME, fine)
    monkeypatch.setitem(runner.QUICK, drain.NAME, fine)
    monkeypatch.setitem(runner.QUICK, memory.NAME, broken)
    assert runner.main(["--quick"]) == 1
    out = capsys.readouterr()
    assert "MISSED" in out.out  # a missed target is reported, not an error
    assert "the kiosk would not start" in out.err

    monkeypatch.setitem(runner.QUICK, memory.NAME, fine)
    assert runner.main(["--quick"]) == 0


def test_spread_rejects_no_samples() -> None:
    with pytest.raises(ValueError, match="no samples"):
        Spread.of([])
