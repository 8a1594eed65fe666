"""``vital5 enroll`` and ``vital5 sync``, run as real processes, with the
fake upstream on a real socket at 127.0.0.1 for ``sync now``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.store import migrate
from kiosk_app.store.db import make_engine
from kiosk_app.sync import crypto
from kiosk_app.sync.enrolment import qr_text
from tests.sync.conftest import UPSTREAM_URL, store_plain
from tests.sync.fake_upstream import FakeUpstream, serve

VITAL5 = str(Path(sys.executable).parent / "vital5")
CODE_LINE = re.compile(r"^v5enrol:1:kiosk-[0-9a-f]{16}:[A-Za-z0-9+/]{43}=$", re.MULTILINE)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "VITAL5_KEYS_DIR": str(tmp_path / "keys"),
        "VITAL5_DATABASE_URL": f"sqlite:///{tmp_path / 'kiosk.sqlite3'}",
    }


def vital5(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VITAL5, *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def enrol(env: dict[str, str], upstream: FakeUpstream, url: str = UPSTREAM_URL) -> str:
    done = vital5(env, "enroll", "--upstream-url", url, "--upstream-key", upstream.public_key)
    assert done.returncode == 0, done.stderr
    match = CODE_LINE.search(done.stdout)
    assert match, done.stdout
    return match.group(0)


def test_enroll_prints_the_code_and_its_qr(env: dict[str, str], upstream: FakeUpstream) -> None:
    code = enrol(env, upstream)
    keys = Path(env["VITAL5_KEYS_DIR"])
    assert code.split(":")[2] == crypto.load_device_identity(keys).device_id
    assert keys.stat().st_mode & 0o777 == 0o700
    assert (keys / crypto.KEY_FILE).stat().st_mode & 0o777 == 0o600
    shown = vital5(env, "enroll")  # no options: show it again, change nothing
    assert shown.returncode == 0
    assert CODE_LINE.search(shown.stdout).group(0) == code  # type: ignore[union-attr]
    assert qr_text(code) in shown.stdout
    assert f"upstream:   {UPSTREAM_URL} (key {upstream.key_id})" in shown.stdout


def test_enroll_refuses_plain_http_and_missing_options(
    env: dict[str, str], upstream: FakeUpstream
) -> None:
    done = vital5(
        env,
        "enroll",
        "--upstream-url",
        "http://upstream.test",
        "--upstream-key",
        upstream.public_key,
    )
    assert done.returncode == 2
    assert "refusing plain http to upstream.test" in done.stderr
    assert not Path(env["VITAL5_KEYS_DIR"]).exists()
    done = vital5(env, "enroll")
    assert done.returncode == 2
    assert "not enrolled yet" in done.stderr


def test_enroll_with_a_new_device_key_gives_a_new_code(
    env: dict[str, str], upstream: FakeUpstream
) -> None:
    first = enrol(env, upstream)
    done = vital5(env, "enroll", "--new-device-key")
    assert done.returncode == 0, done.stderr
    second = CODE_LINE.search(done.stdout)
    assert second
    assert second.group(0) != first


def test_sync_now_and_status_end_to_end(
    env: dict[str, str], upstream: FakeUpstream, tmp_path: Path
) -> None:
    url = env["VITAL5_DATABASE_URL"]
    migrate.upgrade(url)
    engine = make_engine(url)
    store_plain(engine, 2)  # stored before enrolment, as in the `make run` demo
    engine.dispose()

    not_yet = vital5(env, "sync", "now")
    assert not_yet.returncode == 2
    assert "vital5 enroll" in not_yet.stdout

    status = json.loads(vital5(env, "sync", "status", "--json").stdout)
    assert (status["enrolled"], status["pending"], status["unsealed"]) == (False, 2, 2)

    with serve(upstream) as base:  # plain http is fine to 127.0.0.1
        upstream.register(enrol(env, upstream, base))
        done = vital5(env, "sync", "now")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "sealed 2; sent 2: 2 acknowledged, 0 rejected, 0 to retry"
    assert len(upstream.stored) == 2

    status = json.loads(vital5(env, "sync", "status", "--json").stdout)
    assert status["enrolled"] is True
    assert (status["pending"], status["unsealed"], status["acknowledged"]) == (0, 0, 2)
    assert status["last_success_at"] is not None
    assert status["rejected"] == {}

    engine = make_engine(url)
    store_plain(engine, 1)
    engine.dispose()
    down = vital5(env, "sync", "now")  # the server has gone
    assert down.returncode == 1
    assert "ConnectError" in down.stdout
    text = vital5(env, "sync", "status").stdout
    assert re.search(r"^pending:\s+1$", text, re.MULTILINE)
    assert re.search(r"^last error:\s+ConnectError", text, re.MULTILINE)
    assert re.search(r"^rejected:\s+none$", text, re.MULTILINE)


def test_requeue_sends_rejected_records_again(env: dict[str, str], upstream: FakeUpstream) -> None:
    url = env["VITAL5_DATABASE_URL"]
    migrate.upgrade(url)
    engine = make_engine(url)
    store_plain(engine, 1)
    engine.dispose()
    with serve(upstream) as base:
        code = enrol(env, upstream, base)  # … but not registered upstream yet
        assert vital5(env, "sync", "now").stdout.startswith(
            "sealed 1; sent 1: 0 acknowledged, 1 rejected"
        )
        status = json.loads(vital5(env, "sync", "status", "--json").stdout)
        assert status["rejected"] == {"unknown_device": 1}
        upstream.register(code)  # the administrator catches up
        requeued = vital5(env, "sync", "requeue", "--code", "unknown_device")
        assert requeued.stdout.strip() == "1 rejected records are pending again"
        assert "1 acknowledged" in vital5(env, "sync", "now").stdout
