"""``vital5 upstream …``: keys, devices and tokens from the command line (SQLite)."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kiosk_app.cli import app as vital5
from tests.upstream.fake_kiosk import FakeKiosk, key_id
from upstream.main import create_app
from upstream.settings import UpstreamSettings

runner = CliRunner()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UpstreamSettings:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("VITAL5_UPSTREAM_DSN", f"sqlite:///{tmp_path / 'up.sqlite3'}")
    monkeypatch.setenv("VITAL5_UPSTREAM_KEY_DIR", str(tmp_path / "keys"))
    return UpstreamSettings()


def vital5_upstream(*args: str) -> str:
    result = runner.invoke(vital5, ["upstream", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_keygen_writes_a_private_key_only_its_owner_can_read(
    environment: UpstreamSettings,
) -> None:
    output = vital5_upstream("keygen")

    [key_file] = environment.key_dir.iterdir()
    printed_id = output.split("key id:")[1].split()[0]
    printed_key = output.split("public key:")[1].split()[0]
    assert key_file.name == f"{printed_id}.x25519"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(environment.key_dir.stat().st_mode) == 0o700
    assert key_id(base64.b64decode(printed_key)) == printed_id
    assert key_file.read_text().strip() not in output  # the private half is never shown
    assert vital5_upstream("keys").split() == [printed_id, printed_key]


def test_rotation_keeps_both_keys(environment: UpstreamSettings) -> None:
    vital5_upstream("keygen")
    vital5_upstream("keygen")

    assert len(vital5_upstream("keys").splitlines()) == 2


async def test_devices_and_tokens_from_the_command_line(environment: UpstreamSettings) -> None:
    vital5_upstream("keygen")
    vital5_upstream("migrate")
    public = vital5_upstream("keys").split()[1]
    kiosk = FakeKiosk(base64.b64decode(public))

    added = vital5_upstream("devices", "add", kiosk.enrolment_code, "--site", "camberwell-1")
    listed = vital5_upstream("devices", "list")
    token = vital5_upstream("tokens", "create", "--scope", "export", "--name", "loader").strip()
    tokens = vital5_upstream("tokens", "list")

    assert f"enrolled {kiosk.device_id}" in added
    assert f"{kiosk.device_id}  key {kiosk.key_id}  site camberwell-1  active" in listed
    assert token.startswith("v5u.")
    assert "[export]  loader  active" in tokens
    app = create_app(UpstreamSettings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://u.test") as client:
        envelope = kiosk.record()
        stored = await client.put(f"/api/v1/records/{envelope['id']}", json=envelope)
        export = await client.get(
            "/api/v1/export.ndjson", headers={"Authorization": f"Bearer {token}"}
        )
        token_id = token.split(".")[1]
        vital5_upstream("tokens", "revoke", token_id)
        vital5_upstream("devices", "revoke", kiosk.device_id)
        after = await client.get(
            "/api/v1/export.ndjson", headers={"Authorization": f"Bearer {token}"}
        )
        audit_token = vital5_upstream("tokens", "create", "--scope", "admin").strip()
        audit = await client.get(
            "/api/v1/audit", headers={"Authorization": f"Bearer {audit_token}"}
        )
    app.state.upstream.engine.dispose()

    assert stored.status_code == 201
    assert len(export.text.splitlines()) == 1
    assert after.status_code == 401
    assert "revoked" in vital5_upstream("devices", "list")
    actions = [event["action"] for event in audit.json()]
    assert actions == [
        "device.enrol",
        "token.create",
        "export.ndjson",
        "token.revoke",
        "device.revoke",
        "token.create",
    ]
    assert all(
        event["actor"].startswith("cli:")
        for event in audit.json()
        if "token" in event["action"] or "device" in event["action"]
    )


@pytest.mark.parametrize(
    "args",
    [
        ("tokens", "create", "--scope", "superuser"),
        ("devices", "add", "v5enrol:1:nope", "--site", "x"),
        ("devices", "revoke", "kiosk-nobody"),
        ("tokens", "revoke", "0123456789abcdef"),
    ],
)
def test_mistakes_exit_2_with_a_message(
    environment: UpstreamSettings, args: tuple[str, ...]
) -> None:
    vital5_upstream("migrate")

    result = runner.invoke(vital5, ["upstream", *args])

    assert result.exit_code == 2
    assert "error:" in result.output


@pytest.mark.parametrize(
    "args", [("devices", "list"), ("tokens", "list"), ("users", "list")], ids=" ".join
)
def test_an_unmigrated_database_is_named_not_a_traceback(
    environment: UpstreamSettings, args: tuple[str, ...]
) -> None:
    result = runner.invoke(vital5, ["upstream", *args])

    assert result.exit_code == 2
    assert "run `vital5 upstream migrate` first" in result.output
    assert "Traceback" not in result.output
