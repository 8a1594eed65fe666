"""The whole path with real processes and only documented commands: a check
on the kiosk, ``vital5 sync now``, and the real upstream (``vital5 upstream
serve``, ``keygen``, ``devices add``) listening on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kiosk_app.main import create_app
from tests.conftest import make_settings
from tests.web.flow import complete

VITAL5 = str(Path(sys.executable).parent / "vital5")


@dataclass(frozen=True)
class Upstream:
    url: str
    env: dict[str, str]
    public_key: str
    database: Path


def vital5(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [VITAL5, *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    database = tmp_path / "upstream.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "VITAL5_UPSTREAM_DSN": f"sqlite:///{database}",
        "VITAL5_UPSTREAM_KEY_DIR": str(tmp_path / "upstream-keys"),
    }
    keygen = vital5(env, "upstream", "keygen")
    assert keygen.returncode == 0, keygen.stderr
    found = re.search(r"^public key: (\S+)$", keygen.stdout, re.MULTILINE)
    assert found, keygen.stdout
    port = free_port()
    with (tmp_path / "upstream.log").open("w") as log:
        server = subprocess.Popen(
            [VITAL5, "upstream", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail((tmp_path / "upstream.log").read_text())
            yield Upstream(url, env, found.group(1), database)
        finally:
            server.terminate()
            server.wait(timeout=20)


def upstream_records(upstream: Upstream) -> list[tuple[str, int]]:
    db = sqlite3.connect(upstream.database)
    try:
        return db.execute("SELECT id, sequence FROM record ORDER BY sequence").fetchall()
    finally:
        db.close()


def kiosk_rows(database: Path) -> list[tuple[str, str, int | None]]:
    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT id, sync_state, upstream_sequence FROM check_record").fetchall()
    finally:
        db.close()


async def test_a_check_reaches_the_real_upstream(tmp_path: Path, upstream: Upstream) -> None:
    kiosk_db = tmp_path / "kiosk.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "VITAL5_KEYS_DIR": str(tmp_path / "keys"),
        "VITAL5_DATABASE_URL": f"sqlite:///{kiosk_db}",
    }
    enrolled = vital5(
        env, "enroll", "--upstream-url", upstream.url, "--upstream-key", upstream.public_key
    )
    assert enrolled.returncode == 0, enrolled.stderr
    code = re.search(r"^v5enrol:1:\S+$", enrolled.stdout, re.MULTILINE)
    assert code

    # A resident's check on the enrolled kiosk: sealed at submit.
    app = create_app(make_settings(tmp_path, keys_dir=tmp_path / "keys", sync_worker=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        assert await complete(client) == "/results"
    [(record_id, _, _)] = kiosk_rows(kiosk_db)

    # Not registered upstream yet: rejected, visible, not retried …
    first = vital5(env, "sync", "now")
    assert first.stdout.strip() == "sealed 0; sent 1: 0 acknowledged, 1 rejected, 0 to retry"
    assert kiosk_rows(kiosk_db) == [(record_id, "rejected", None)]
    with sqlite3.connect(kiosk_db) as db:
        (sealed,) = db.execute("SELECT envelope FROM check_record").fetchone()
    db.close()
    # … until an administrator registers the code and staff send it again.
    added = vital5(upstream.env, "upstream", "devices", "add", code.group(0), "--site", "test-site")
    assert added.returncode == 0, added.stderr
    assert vital5(env, "sync", "requeue", "--code", "unknown_device").returncode == 0
    second = vital5(env, "sync", "now")
    assert second.stdout.strip() == "sealed 0; sent 1: 1 acknowledged, 0 rejected, 0 to retry"
    [(stored_id, sequence)] = upstream_records(upstream)
    assert stored_id == record_id
    assert kiosk_rows(kiosk_db) == [(record_id, "acknowledged", sequence)]

    # Acknowledged: the kiosk keeps no copy, sealed or not (the consent page's promise).
    with sqlite3.connect(kiosk_db) as db:
        assert db.execute("SELECT envelope FROM check_record").fetchone() == (None,)
    db.close()
    # A reply lost after the upstream stored it (as if the kiosk never heard
    # it: still pending, with its envelope): the resend is a duplicate.
    with sqlite3.connect(kiosk_db) as db:
        db.execute(
            "UPDATE check_record SET sync_state = 'pending', upstream_sequence = NULL, "
            "envelope = ?",
            (sealed,),
        )
    db.close()
    third = vital5(env, "sync", "now")
    assert "1 acknowledged" in third.stdout
    assert upstream_records(upstream) == [(record_id, sequence)]
    assert kiosk_rows(kiosk_db) == [(record_id, "acknowledged", sequence)]
