"""Run every benchmark and print one table: ``python -m bench [--quick]``.

Exits non-zero only when a benchmark fails to run (a broken flow, a kiosk
that will not start); a missed target is a finding to report, not an error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bench import drain, frame_to_browser, memory, submit_vs_floor
from bench._result import BenchResult, machine, table

Benchmark = Callable[[], BenchResult]

FULL: dict[str, Benchmark] = {
    submit_vs_floor.NAME: lambda: submit_vs_floor.run(rounds=15, per_round=20, warmup_rounds=1),
    memory.NAME: lambda: memory.run(checks=memory.TARGET_CHECKS, concurrency=4),
    frame_to_browser.NAME: lambda: frame_to_browser.run(rounds=15, frames=10, warmup_rounds=1),
    drain.NAME: lambda: drain.run(rounds=5, per_round=2000, warmup_rounds=1),
}
# A short run for a quick look: figures are indicative and targets not judged.
QUICK: dict[str, Benchmark] = {
    submit_vs_floor.NAME: lambda: submit_vs_floor.run(rounds=4, per_round=8, warmup_rounds=1),
    memory.NAME: lambda: memory.run(checks=50, concurrency=4, checkpoints=5),
    frame_to_browser.NAME: lambda: frame_to_browser.run(rounds=3, frames=6, warmup_rounds=1),
    drain.NAME: lambda: drain.run(rounds=4, per_round=100, warmup_rounds=1),
}


def _load() -> str:
    # Other work on the machine moves the medians; the ratio should hold.
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (~35 s)")
    parser.add_argument(
        "--only", action="append", choices=sorted(FULL), help="run just this benchmark"
    )
    args = parser.parse_args(argv)
    suite = QUICK if args.quick else FULL
    chosen = args.only or list(suite)

    command = "python -m bench" + (" --quick" if args.quick else "")
    command += "".join(f" --only {name}" for name in args.only or ())
    print(f"# {command}")
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(f"# load average at start: {_load()}")
    results: list[BenchResult] = []
    failed: list[str] = []
    for name in chosen:
        started = time.perf_counter()
        print(f"# running {name} …", flush=True)
        try:
            results.append(suite[name]())
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"# {name}: {time.perf_counter() - started:.1f} s", flush=True)
    print(f"# load average at end: {_load()}")
    print()
    if results:
        print(table(results))
    if failed:
        print(f"\nFAILED to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
