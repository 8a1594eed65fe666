"""Smoke test for bench/: every benchmark runs end to end with tiny counts.

Checks only that each produces a well-formed result. It asserts no timing
and no memory figure: performance is measured by ``make bench``, never here.
"""

from __future__ import annotations

import math

import pytest

from bench import __main__ as runner
from bench import memory, submit_vs_floor
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


def test_runner_reports_a_failure_by_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> BenchResult:
        raise RuntimeError("the kiosk would not start")

    def fine() -> BenchResult:
        one = Spread.of([1.0])
        return BenchResult("fine", "ms", "a", "b", one, one, one, "ratio ≤ 2", False)

    monkeypatch.setitem(runner.QUICK, submit_vs_floor.NAME, fine)
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
