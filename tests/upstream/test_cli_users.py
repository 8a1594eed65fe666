"""``vital5 upstream users …``: report users from the command line; passwords never as arguments."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from kiosk_app.cli import app as vital5
from tests.upstream.conftest import PASSWORD, sign_in
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store.tables import AuditEvent, WebUser

runner = CliRunner()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UpstreamSettings:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("VITAL5_UPSTREAM_DSN", f"sqlite:///{tmp_path / 'up.sqlite3'}")
    monkeypatch.setenv("VITAL5_UPSTREAM_KEY_DIR", str(tmp_path / "keys"))
    assert runner.invoke(vital5, ["upstream", "migrate"]).exit_code == 0
    return UpstreamSettings()


def users(*args: str, password: str | None = None) -> tuple[int, str]:
    result = runner.invoke(vital5, ["upstream", "users", *args], input=password)
    return result.exit_code, result.output


async def test_a_user_added_from_standard_input_can_sign_in(environment: UpstreamSettings) -> None:
    code, output = users("add", "Sam.Analyst@Example.org", password=f"{PASSWORD}\n")

    assert (code, output.strip()) == (0, "added sam.analyst@example.org")
    assert users("list") == (0, "sam.analyst@example.org  active\n")
    app = create_app(UpstreamSettings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        signed_in = await sign_in(client, email="sam.analyst@example.org")
        assert (await client.get("/reports/equity")).status_code == 200
        users("disable", "sam.analyst@example.org")
        assert (await client.get("/reports/equity")).status_code == 303  # sessions end at once
    with Session(app.state.upstream.engine) as session:
        [user] = session.exec(select(WebUser)).all()
        actions = [(e.actor.split(":")[0], e.action, e.target) for e in session.exec(
            select(AuditEvent).order_by(col(AuditEvent.id)))]  # fmt: skip
    app.state.upstream.engine.dispose()

    assert signed_in.status_code == 303
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert actions == [
        ("cli", "user.add", "sam.analyst@example.org"),
        ("user", "user.login", None),
        ("user", "report.equity", "html"),
        ("cli", "user.disable", "sam.analyst@example.org"),
    ]
    assert "disabled" in users("list")[1]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "not-an-address"), PASSWORD, "is not an e-mail address"),
        (("add", "a@example.org"), "short", "at least 12 characters"),
        (("add", "a@example.org"), "", "at least 12 characters"),
        (("disable", "nobody@example.org"), None, "no user nobody@example.org"),
    ],
)
def test_mistakes_exit_2_with_a_message(
    environment: UpstreamSettings, args: tuple[str, ...], password: str | None, message: str
) -> None:
    code, output = users(*args, password=None if password is None else f"{password}\n")

    assert code == 2
    assert "error: " in output
    assert message in output


def test_a_registered_address_cannot_be_added_twice(environment: UpstreamSettings) -> None:
    assert users("add", "a@example.org", password=f"{PASSWORD}\n")[0] == 0

    code, output = users("add", "A@example.org", password=f"{PASSWORD}\n")

    assert code == 2
    assert "already registered" in output


async def test_set_password_replaces_it_and_ends_sessions(environment: UpstreamSettings) -> None:
    users("add", "a@example.org", password=f"{PASSWORD}\n")
    app = create_app(UpstreamSettings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        await sign_in(client, email="a@example.org")
        code, output = users("set-password", "a@example.org", password="a brand new passphrase\n")
        after = await client.get("/reports/equity")
        old = await sign_in(client, email="a@example.org")
        new = await sign_in(client, email="a@example.org", password="a brand new passphrase")
    app.state.upstream.engine.dispose()

    assert (code, output.strip()) == (0, "new password set for a@example.org")
    assert after.status_code == 303
    assert (old.status_code, new.status_code) == (400, 303)
    assert users("set-password", "b@example.org", password=f"{PASSWORD}\n")[0] == 2
