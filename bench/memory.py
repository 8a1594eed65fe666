"""Benchmark 2 (issue #2): kiosk process memory after 1,000 completed checks.

A real kiosk process (``vital5 migrate`` then ``vital5 serve`` on a free
loopback port, as the systemd unit runs them, with its own SQLite file in a
temporary directory) is driven over HTTP by a few
concurrent simulated residents; every check has its own cookie jar, follows
each redirect with a GET of the page as a browser would, and ends with
``POST /session/end``. The process's RSS (psutil) is read right after
start-up (the baseline) and after the last check (the subject); the ratio
and both absolute figures are reported. Target: ≤ 120 MB RSS after 1,000
checks, with the session store empty again (``GET /healthz``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psutil

from bench._kiosk import SIMULATOR_SPEED, sqlite_url
from bench._processes import START_TIMEOUT_S, free_port, vital5_command
from bench._result import BenchResult, Spread
from kiosk_app import synthetic
from kiosk_app.settings import PROJECT_ROOT

NAME = "memory_1000_checks"
TARGET_CHECKS = 1000
TARGET_RSS_MB = 120.0
MB = 1024 * 1024


def _environment(directory: Path) -> dict[str, str]:
    # Only our VITAL5_* settings: a developer's own must not change the figures.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITAL5_")}
    env["VITAL5_DATABASE_URL"] = sqlite_url(directory)
    env["VITAL5_SIMULATOR_SPEED"] = str(SIMULATOR_SPEED)
    # Not enrolled and no worker: the benchmark measures the kiosk alone.
    env["VITAL5_KEYS_DIR"] = str(directory / "keys")
    env["VITAL5_SYNC_WORKER"] = "false"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
    )
    return env


def rss(process: psutil.Process) -> int:
    """Resident set size of the kiosk process and any children it started."""
    total = int(process.memory_info().rss)
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += int(child.memory_info().rss)
    return total


class KioskProcess:
    """A ``vital5 serve`` child process on a free loopback port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "kiosk.log"
        self._log = self.log_path.open("wb")
        try:
            # As the systemd unit does: `vital5 migrate` first (ExecStartPre),
            # then `vital5 serve`. cwd is the temporary directory so a stray
            # .env cannot leak in.
            subprocess.run(
                vital5_command("migrate"),
                cwd=directory,
                env=_environment(directory),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=START_TIMEOUT_S,
            )
            self.popen = subprocess.Popen(
                vital5_command("serve", "--host", "127.0.0.1", "--port", str(self.port)),
                cwd=directory,
                env=_environment(directory),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
        except BaseException:
            self._log.close()
            raise
        self.process = psutil.Process(self.popen.pid)

    def log_tail(self, chars: int = 2000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    async def wait_ready(self, client: httpx.AsyncClient) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"the kiosk exited on start-up:\n{self.log_tail()}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the kiosk did not answer within {START_TIMEOUT_S:g} s")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._log.close()


async def _resident(
    base_url: str, queue: asyncio.Queue[int], done: list[int], follow_pages: bool
) -> None:
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=30.0) as client:
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            client.cookies = httpx.Cookies()  # each check its own cookie jar
            await synthetic.complete_check(client, follow_pages=follow_pages)
            done.append(1)


async def _healthz(client: httpx.AsyncClient) -> dict[str, object]:
    body = synthetic.ok(await client.get("/healthz")).json()
    if not isinstance(body, dict):
        raise synthetic.FlowError(f"/healthz returned {body!r}")
    return body


async def _measure(
    kiosk: KioskProcess, checks: int, concurrency: int, checkpoints: int, follow_pages: bool
) -> BenchResult:
    async with httpx.AsyncClient(base_url=kiosk.base_url, trust_env=False) as probe:
        await kiosk.wait_ready(probe)
        baseline = rss(kiosk.process)

        started = time.perf_counter()
        # The first check alone: what warming up costs (templates compiled,
        # worker threads started), apart from what each further check adds.
        probe.cookies = httpx.Cookies()
        await synthetic.complete_check(probe, follow_pages=follow_pages)
        probe.cookies = httpx.Cookies()
        after_first = rss(kiosk.process)
        done: list[int] = [1]
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(1, checks):
            queue.put_nowait(i)
        workers = [
            asyncio.create_task(_resident(kiosk.base_url, queue, done, follow_pages))
            for _ in range(max(1, min(concurrency, checks - 1)))
        ]
        # RSS along the way: growth that keeps going is a leak, a plateau is not.
        trajectory: list[tuple[int, int]] = [(0, baseline), (1, after_first)]
        step = max(1, checks // max(1, checkpoints))
        next_mark = step
        try:
            pending = set(workers)
            while pending:
                finished, pending = await asyncio.wait(
                    pending, timeout=0.05, return_when=asyncio.FIRST_EXCEPTION
                )
                for worker in finished:
                    worker.result()  # the first failure stops the run
                if next_mark <= len(done) < checks:
                    trajectory.append((len(done), rss(kiosk.process)))
                    next_mark += step
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        elapsed = time.perf_counter() - started
        health = await _healthz(probe)
        final = rss(kiosk.process)
    trajectory.append((len(done), final))

    if len(done) != checks:
        raise synthetic.FlowError(f"{len(done)} of {checks} checks completed")
    if health.get("active_sessions") != 0:
        raise synthetic.FlowError(f"session store not empty at the end: {health!r}")
    if health.get("records_pending_sync") != checks:
        raise synthetic.FlowError(f"expected {checks} stored records: {health!r}")

    final_mb, baseline_mb = final / MB, baseline / MB
    judged = checks >= TARGET_CHECKS
    return BenchResult(
        name=NAME,
        unit="MB",
        baseline_label="RSS at start-up",
        subject_label=f"RSS after {checks} checks",
        baseline=Spread.of([baseline_mb]),
        subject=Spread.of([final_mb]),
        ratio=Spread.of([final_mb / baseline_mb]),
        target=f"≤ {TARGET_RSS_MB:g} MB after {TARGET_CHECKS} checks",
        target_met=final_mb <= TARGET_RSS_MB if judged else None,
        notes={
            "growth (MB)": f"{final_mb - baseline_mb:+.1f} over {checks} checks, of which "
            f"{(after_first - baseline) / MB:+.1f} in the first check (warm-up) and "
            f"{(final - after_first) / MB:+.1f} in the other {checks - 1}",
            "RSS trajectory (checks: MB)": ", ".join(f"{n}: {b / MB:.1f}" for n, b in trajectory),
            "active_sessions at end": str(health.get("active_sessions")),
            "throughput": f"{checks / elapsed:.1f} checks/s with {len(workers)} residents "
            f"({'GET of every page' if follow_pages else 'form posts only'})",
        },
    )


def run(
    checks: int = TARGET_CHECKS,
    concurrency: int = 4,
    checkpoints: int = 10,
    follow_pages: bool = True,
) -> BenchResult:
    """Start a kiosk process, drive ``checks`` whole checks through it, read its RSS."""
    if checks < 1 or concurrency < 1:
        raise ValueError("checks and concurrency must be ≥ 1")
    with tempfile.TemporaryDirectory(prefix="vital5-bench-") as tmp:
        kiosk = KioskProcess(Path(tmp))
        try:
            return asyncio.run(_measure(kiosk, checks, concurrency, checkpoints, follow_pages))
        finally:
            kiosk.stop()
