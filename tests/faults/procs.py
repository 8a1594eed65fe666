"""Real processes for the fault runs: upstream, kiosk, fault proxy, driver; and their reaper.

Everything listens on 127.0.0.1 and is started with the documented commands
(``vital5 upstream keygen / migrate / serve / devices add / tokens create``,
``vital5 enroll``, ``vital5 serve``), the way tests/sync/test_end_to_end.py
does it, whose helpers are reused. Every process is started through a
:class:`Reaper`, which kills survivors by PID and reports any left alive.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import psutil

from kiosk_app import synthetic
from tests.faults.driver import answers_for
from tests.sync.test_end_to_end import VITAL5, Upstream, free_port, vital5

HERE = Path(__file__).resolve().parent
PATH = "/usr/bin:/bin"
START_TIMEOUT_S = 60.0
T = TypeVar("T")


class Reaper:
    """Starts processes, remembers every PID (and children seen), kills what is left."""

    def __init__(self) -> None:
        self.popens: list[subprocess.Popen[bytes]] = []
        self.watched: dict[int, psutil.Process] = {}

    def spawn(
        self,
        args: list[str],
        *,
        log: Path,
        env: Mapping[str, str],
        cwd: Path,
        stdin: int | IO[bytes] | None = subprocess.DEVNULL,
        stdout: int | None = None,
    ) -> subprocess.Popen[bytes]:
        with log.open("ab") as sink:
            popen = subprocess.Popen(
                args,
                env=dict(env),
                cwd=cwd,
                stdin=stdin,
                stdout=sink if stdout is None else stdout,
                stderr=sink,
            )
        self.popens.append(popen)
        with contextlib.suppress(psutil.NoSuchProcess):
            self.watched[popen.pid] = psutil.Process(popen.pid)
        return popen

    def note_children(self, popen: subprocess.Popen[bytes]) -> None:
        process = self.watched.get(popen.pid)
        if process is None:
            return
        with contextlib.suppress(psutil.Error):
            for child in process.children(recursive=True):
                self.watched.setdefault(child.pid, child)

    def kill(self, popen: subprocess.Popen[bytes]) -> None:
        """SIGKILL by PID, and reap it."""
        self.note_children(popen)
        if popen.poll() is None:
            popen.send_signal(signal.SIGKILL)
        popen.wait(timeout=20)

    def stop(self, popen: subprocess.Popen[bytes], timeout: float = 20) -> None:
        """SIGTERM, then SIGKILL if it does not go."""
        self.note_children(popen)
        if popen.poll() is None:
            popen.terminate()
            try:
                popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(popen)

    def close(self) -> list[int]:
        """Kill whatever still runs (by PID); the PIDs found alive afterwards."""
        for popen in self.popens:
            with contextlib.suppress(Exception):
                self.kill(popen)
            for stream in (popen.stdin, popen.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        for process in self.watched.values():
            with contextlib.suppress(psutil.Error):
                if process.is_running():
                    process.kill()
        survivors = []
        for pid, process in self.watched.items():
            with contextlib.suppress(psutil.Error):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    survivors.append(pid)
        return survivors


@contextlib.contextmanager
def reaper() -> Iterator[Reaper]:
    """A reaper whose processes are all gone at exit (fails the test otherwise)."""
    reaping = Reaper()
    try:
        yield reaping
    finally:
        survivors = reaping.close()
        if survivors:
            raise AssertionError(f"processes outlived the test: {survivors}")


def wait_until(check: Callable[[], T | None], timeout: float, what: str, step: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(step)


def run_ok(env: dict[str, str], *args: str) -> str:
    done = vital5(env, *args)
    assert done.returncode == 0, f"vital5 {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except FileNotFoundError:
        return ""


def wait_http_ready(
    url: str, popen: subprocess.Popen[bytes], log: Path, timeout: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise AssertionError(f"{url}: the process exited ({popen.returncode}):\n{tail(log)}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise AssertionError(f"{url} did not answer within {timeout:g} s:\n{tail(log)}")


# The upstream ---------------------------------------------------------------


@dataclass
class UpstreamSide:
    """A real upstream on 127.0.0.1: keys, SQLite database, and (when started) its process."""

    directory: Path
    port: int
    info: Upstream
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return self.info.url

    @property
    def log(self) -> Path:
        return self.directory / "upstream.log"

    def start(self, reaping: Reaper) -> None:
        assert self.popen is None or self.popen.poll() is not None
        self.starts += 1
        self.popen = reaping.spawn(
            [VITAL5, "upstream", "serve", "--port", str(self.port)],
            log=self.log,
            env=self.info.env,
            cwd=self.directory,
        )
        wait_http_ready(self.url, self.popen, self.log)

    def register(self, code: str) -> None:
        run_ok(self.info.env, "upstream", "devices", "add", code, "--site", "fault-site")

    def export_token(self) -> str:
        out = run_ok(self.info.env, "upstream", "tokens", "create", "--scope", "export")
        return out.strip().splitlines()[-1]

    def stored(self) -> list[tuple[str, int]]:
        """(id, sequence) of every stored record, in sequence order, from its database."""
        with closing(sqlite3.connect(self.info.database)) as db:
            rows = db.execute("SELECT id, sequence FROM record ORDER BY sequence").fetchall()
        return [(str(i), int(s)) for i, s in rows]


def prepare_upstream(directory: Path) -> UpstreamSide:
    """Keys and a migrated database; not started (``start`` it)."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "upstream.sqlite3"
    env = {
        "PATH": PATH,
        "VITAL5_UPSTREAM_DSN": f"sqlite:///{database}",
        "VITAL5_UPSTREAM_KEY_DIR": str(directory / "upstream-keys"),
    }
    keygen = run_ok(env, "upstream", "keygen")
    found = re.search(r"^public key: (\S+)$", keygen, re.MULTILINE)
    assert found, keygen
    run_ok(env, "upstream", "migrate")
    port = free_port()
    info = Upstream(f"http://127.0.0.1:{port}", env, found.group(1), database)
    return UpstreamSide(directory, port, info)


@dataclass(frozen=True)
class Exported:
    sequence_order: int
    record_id: str
    postcode: str


def postcode_key(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def _postcode_in(node: object) -> str | None:
    if isinstance(node, dict):
        if node.get("linkId") == "about.postcode":
            return str(node["answer"][0]["valueString"])
        children: list[object] = list(node.values())
    elif isinstance(node, list):
        children = list(node)
    else:
        return None
    for child in children:
        found = _postcode_in(child)
        if found is not None:
            return found
    return None


def export_all(upstream: UpstreamSide, token: str) -> list[Exported]:
    """Every record through the export API (decrypted upstream), paged by sequence."""
    found: list[Exported] = []
    since = 0
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=upstream.url, trust_env=False, timeout=60) as client:
        for _ in range(1000):
            response = client.get(
                "/api/v1/export.ndjson", params={"since": since, "limit": 500}, headers=headers
            )
            assert response.status_code == 200, response.text[:500]
            lines = [line for line in response.text.splitlines() if line.strip()]
            if not lines:
                return found
            for line in lines:
                bundle = json.loads(line)
                assert bundle["resourceType"] == "Bundle", line[:300]
                postcode = _postcode_in(bundle)
                assert postcode is not None, f"no postcode in {bundle['id']}"
                found.append(Exported(len(found), bundle["id"], postcode_key(postcode)))
            since = int(response.headers["x-next-since"])
    raise AssertionError("the export did not end")


# The kiosk ------------------------------------------------------------------


@dataclass
class KioskSide:
    """An enrolled kiosk: keys and SQLite file in ``directory``, started on ``port``."""

    directory: Path
    env: dict[str, str]
    port: int
    code: str
    popen: subprocess.Popen[bytes] | None = None
    runs: int = 0
    standbys: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)
    spawned: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.directory / "kiosk.sqlite3"

    @property
    def log(self) -> Path:
        return self.directory / "kiosk.log"

    def serve_args(self) -> list[str]:
        return ["--host", "127.0.0.1", "--port", str(self.port)]

    def start(self, reaping: Reaper) -> None:
        """``vital5 serve``, waited for until /healthz answers."""
        assert self.popen is None or self.popen.poll() is not None
        self.runs += 1
        self.popen = reaping.spawn(
            [VITAL5, "serve", *self.serve_args()], log=self.log, env=self.env, cwd=self.directory
        )
        wait_http_ready(self.url, self.popen, self.log)

    def prepare_standby(self, reaping: Reaper, ahead: int = 2) -> None:
        """Next kiosk processes, imports done, waiting for ``go`` (tests/faults/standby.py)."""
        while len(self.standbys) < ahead:
            self.spawned += 1
            imported = self.directory / f"standby-{self.spawned}.imported"
            popen = reaping.spawn(
                [sys.executable, str(HERE / "standby.py"), str(imported), *self.serve_args()],
                log=self.log,
                env=self.env,
                cwd=self.directory,
                stdin=subprocess.PIPE,
            )
            self.standbys.append((popen, imported))

    def go(self) -> subprocess.Popen[bytes]:
        """Start the oldest standby kiosk once it has imported (not waiting for it to answer)."""
        assert self.popen is None or self.popen.poll() is not None
        popen, imported = self.standbys.pop(0)
        wait_until(imported.exists, START_TIMEOUT_S, "a standby kiosk to import", step=0.01)
        assert popen.stdin is not None
        popen.stdin.write(b"go\n")
        popen.stdin.close()
        self.popen = popen
        self.runs += 1
        return popen

    def dismiss_standbys(self) -> None:
        """EOF to every standby: each exits without starting."""
        for popen, _ in self.standbys:
            assert popen.stdin is not None
            popen.stdin.close()
        for popen, _ in self.standbys:
            popen.wait(timeout=30)
        self.standbys.clear()

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2, trust_env=False).status_code == 200
        except httpx.TransportError:
            return False

    def sync(self) -> dict[str, object]:
        """The "sync" object of /healthz."""
        body = httpx.get(f"{self.url}/healthz", timeout=10, trust_env=False).json()
        figures: dict[str, object] = body["sync"]
        return figures

    def states(self) -> dict[str, int]:
        with closing(sqlite3.connect(self.database)) as db:
            rows = db.execute(
                "SELECT sync_state, count(*) FROM check_record GROUP BY sync_state"
            ).fetchall()
        return {str(state): int(count) for state, count in rows}


def kiosk_env(directory: Path, **settings: str) -> dict[str, str]:
    env = {
        "PATH": PATH,
        "VITAL5_DATABASE_URL": f"sqlite:///{directory / 'kiosk.sqlite3'}",
        "VITAL5_KEYS_DIR": str(directory / "keys"),
        "VITAL5_SIMULATOR_SPEED": "1000",
        "VITAL5_SITE_ID": "fault-site",
    }
    env.update({f"VITAL5_{key.upper()}": value for key, value in settings.items()})
    return env


def prepare_kiosk(
    directory: Path, upstream_url: str, upstream_key: str, **settings: str
) -> KioskSide:
    """``vital5 enroll`` into ``directory``; the code is returned for ``devices add``."""
    directory.mkdir(parents=True, exist_ok=True)
    env = kiosk_env(directory, **settings)
    enrolled = run_ok(env, "enroll", "--upstream-url", upstream_url, "--upstream-key", upstream_key)
    code = re.search(r"^v5enrol:1:\S+$", enrolled, re.MULTILINE)
    assert code, enrolled
    run_ok(env, "migrate")
    return KioskSide(directory, env, free_port(), code.group(0))


def drained(kiosk: KioskSide) -> dict[str, object] | None:
    """The sync figures once nothing is pending or sending, else None."""
    figures = kiosk.sync()
    return figures if figures["pending"] == 0 and figures["sending"] == 0 else None


async def complete_check(client: httpx.AsyncClient, n: int) -> None:
    """Check ``n`` (postcode ``postcode_for(n)``) from start to Finish; raises if not shown."""
    client.cookies = httpx.Cookies()
    await synthetic.to_review(client, answers_for(n))
    if await synthetic.submit(client) != synthetic.RESULTS:
        raise synthetic.FlowError("/submit did not lead to /results")
    synthetic.ok(await client.get(synthetic.RESULTS))
    await synthetic.end(client)


# The fault proxy -------------------------------------------------------------


@dataclass
class ProxySide:
    popen: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def entries(self) -> list[dict[str, Any]]:
        """The uploads so far, in the order they arrived (a slow one is logged late)."""
        try:
            text = self.log.read_text()
        except FileNotFoundError:
            return []
        # The last line may be half written.
        entries = [json.loads(line) for line in text.splitlines() if line.endswith("}")]
        return sorted(entries, key=lambda entry: int(entry["n"]))


def start_proxy(
    reaping: Reaper,
    directory: Path,
    upstream_port: int,
    *,
    plan: list[str] = [],  # noqa: B006 (never mutated)
    then: str = "pass",
    slow_s: float = 2.0,
    delay: tuple[float, float] = (0.05, 0.2),
    seed: int = 0,
) -> ProxySide:
    log = directory / "proxy.jsonl"
    popen = reaping.spawn(
        [
            sys.executable,
            str(HERE / "fault_proxy.py"),
            "--upstream-port",
            str(upstream_port),
            "--log",
            str(log),
            "--plan",
            json.dumps(plan),
            "--then",
            then,
            "--slow-s",
            str(slow_s),
            "--delay",
            str(delay[0]),
            str(delay[1]),
            "--seed",
            str(seed),
        ],
        log=directory / "proxy.out",
        env={"PATH": PATH},
        cwd=directory,
        stdout=subprocess.PIPE,
    )
    assert popen.stdout is not None
    first = popen.stdout.readline().decode()
    found = re.fullmatch(r"port (\d+)\n", first)
    assert found, f"fault proxy did not start: {first!r} {tail(directory / 'proxy.out')}"
    return ProxySide(popen, int(found.group(1)), log)
