"""What every benchmark hands back, the statistics behind it, and the table."""

from __future__ import annotations

import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and range of per-round samples (rounds interleave subject and baseline)."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Spread:
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))

    def show(self, fmt: str = ".2f") -> str:
        return f"{self.median:{fmt}} [{self.low:{fmt}}–{self.high:{fmt}}]"


@dataclass(frozen=True, slots=True)
class BenchResult:
    """One benchmark's outcome: a subject against a baseline from the same run.

    ``ratio`` is subject ÷ baseline, the figure the target applies to; its
    spread is the range of the per-round ratios. ``target_met`` is None when
    the run was too short to judge the target (``--quick``).
    """

    name: str
    unit: str
    baseline_label: str
    subject_label: str
    baseline: Spread
    subject: Spread
    ratio: Spread
    target: str
    target_met: bool | None
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for spread in (self.baseline, self.subject, self.ratio):
            if not (spread.n > 0 and spread.low <= spread.median <= spread.high):
                raise ValueError(f"{self.name}: malformed spread {spread}")


def machine() -> str:
    import os

    return (
        f"{os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"
    )


def verdict(result: BenchResult) -> str:
    if result.target_met is None:
        return "not judged"
    return "met" if result.target_met else "MISSED"


def table(results: Sequence[BenchResult]) -> str:
    """A plain-text table: medians with [min–max] over rounds, and the ratio."""
    header = ("benchmark", "baseline", "subject", "ratio", "target", "verdict")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                f"{r.baseline_label}: {r.baseline.show()} {r.unit}",
                f"{r.subject_label}: {r.subject.show()} {r.unit}",
                r.ratio.show(),
                r.target,
                verdict(r),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        for key, value in r.notes.items():
            lines.append(f"  {r.name}: {key}: {value}")
    return "\n".join(line.rstrip() for line in lines)
