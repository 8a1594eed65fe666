"""Real processes for the benchmarks: free ports, the ``vital5`` command, an upstream.

Shared by bench/memory.py (a kiosk) and bench/drain.py (an upstream).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def vital5_command(*args: str) -> list[str]:
    """The ``vital5`` command from this interpreter's environment."""
    script = Path(sys.executable).parent / "vital5"
    if script.is_file():
        return [str(script), *args]
    found = shutil.which("vital5")
    if found:
        return [found, *args]
    return [sys.executable, "-c", "from kiosk_app.cli import app; app()", *args]


class UpstreamProcess:
    """A ``vital5 upstream serve`` process on loopback with its own SQLite file and keys."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.database = directory / "upstream.sqlite3"
        # Only our VITAL5_* settings: a developer's own must not change the figures.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("VITAL5_")}
        self.env["VITAL5_UPSTREAM_DSN"] = f"sqlite:///{self.database}"
        self.env["VITAL5_UPSTREAM_KEY_DIR"] = str(directory / "upstream-keys")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "upstream.log"
        self.popen: subprocess.Popen[bytes] | None = None

    def command(self, *args: str) -> str:
        done = subprocess.run(
            vital5_command("upstream", *args),
            cwd=self.directory,  # no stray .env
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            output = (done.stderr or done.stdout)[-1500:]
            raise RuntimeError(f"vital5 upstream {' '.join(args[:2])} failed: {output}")
        return done.stdout

    def keygen(self) -> str:
        found = re.search(r"^public key: (\S+)$", self.command("keygen"), re.MULTILINE)
        if found is None:
            raise RuntimeError("vital5 upstream keygen printed no public key")
        return found.group(1)

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                vital5_command(
                    "upstream", "serve", "--host", "127.0.0.1", "--port", str(self.port)
                ),
                cwd=self.directory,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"the upstream exited on start-up:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the upstream did not answer within {START_TIMEOUT_S:g} s")

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stored(self) -> int:
        with closing(sqlite3.connect(self.database)) as db:
            (count,) = db.execute("SELECT count(*) FROM record").fetchone()
        return int(count)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=20)
