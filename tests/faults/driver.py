"""Residents walking checks through a kiosk over HTTP, one after another (a process of its own).

    python tests/faults/driver.py --url http://127.0.0.1:8000 --stop-file STOP --first 0

Every check gets its own cookie jar and a postcode no other check has
(``postcode_for(n)``), so the upstream's export can tell each check apart.
Each event is one JSON line on stdout, flushed at once:

- ``{"e": "begin", "n": n, "postcode": …}``: a check starts;
- ``{"e": "submit", "n": n}``: just before ``POST /submit``;
- ``{"e": "shown", "n": n}``: ``GET /results`` answered 200 for this check;
- ``{"e": "lost", "n": n, "stage": …, "error": …}``: the kiosk went away
  (killed) or the session was gone; the check is abandoned, never retried.

After a lost check it waits for ``/healthz`` to answer, then starts the next
check with a new postcode. It stops when ``--stop-file`` exists (between
checks) or after ``--deadline-s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from kiosk_app import synthetic

_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters a Royal Mail inward code may end with


def postcode_for(n: int) -> str:
    """A distinct valid postcode for check ``n`` (0 ≤ n < 8000): ``SE1 dLL``."""
    if not 0 <= n < 20 * 20 * 10 * 2:
        raise ValueError("check number out of range")
    district = "SE1" if n < 4000 else "SE5"
    n %= 4000
    digit, rest = divmod(n, 400)
    return f"{district} {digit}{_LETTERS[rest // 20]}{_LETTERS[rest % 20]}"


def answers_for(n: int) -> Mapping[str, Mapping[str, str]]:
    return {**synthetic.ORDINARY, "postcode": {"postcode": postcode_for(n)}}


def emit(**event: object) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def walk(client: httpx.AsyncClient, n: int) -> None:
    """One check; emits begin / submit / shown, raises on anything else."""
    emit(e="begin", n=n, postcode=postcode_for(n))
    stage = "start"
    try:
        first = await synthetic.start(client)
        stage = "answers"
        url = await synthetic.answer_until(client, first, answers_for(n))
        if url != synthetic.REVIEW:
            raise synthetic.FlowError(f"stopped at {url}")
        stage = "submit"
        emit(e="submit", n=n)
        if await synthetic.submit(client) != synthetic.RESULTS:
            raise synthetic.FlowError("/submit did not lead to /results")
        stage = "results"
        synthetic.ok(await client.get(synthetic.RESULTS))
        emit(e="shown", n=n)
        stage = "end"
        await synthetic.end(client)
    except (httpx.TransportError, synthetic.FlowError) as error:
        emit(e="lost", n=n, stage=stage, error=f"{type(error).__name__}: {error}"[:200])


async def wait_ready(client: httpx.AsyncClient, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            if (await client.get("/healthz")).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.01)
    return False


async def main_async(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.deadline_s
    stop = Path(args.stop_file)
    n = args.first
    limits = httpx.Limits(max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=args.url, trust_env=False, timeout=10.0, limits=limits
    ) as client:
        while not stop.exists() and time.monotonic() < deadline and n < args.first + args.max:
            if not await wait_ready(client, deadline):
                break
            client.cookies = httpx.Cookies()  # each check its own cookie jar
            await walk(client, n)
            n += 1
    emit(e="stopped", next=n)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--first", type=int, default=0, help="number of the first check")
    parser.add_argument("--max", type=int, default=4000, help="checks at most")
    parser.add_argument("--deadline-s", type=float, default=600.0)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
