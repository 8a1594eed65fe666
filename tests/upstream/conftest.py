"""Fixtures: the upstream app on SQLite and on a real PostgreSQL, keys, kiosks, tokens.

Every API test that takes ``dsn`` runs twice: on a SQLite file and on a
PostgreSQL database cloned from a migrated template. The PostgreSQL server is
started once per session as the ``postgres`` user (web-stack.md §4, approach
A: ``pg_ctl`` refuses to run as root) on a free port in a temporary
directory, and stopped at the end.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import port_for
import pytest
from fastapi import FastAPI
from pytest_postgresql import factories
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from tests.upstream.fake_kiosk import FakeKiosk
from upstream.crypto import generate_key
from upstream.enrolment import parse_enrolment_code
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store import migrate
from upstream.store.db import utcnow
from upstream.store.devices import enrol
from upstream.store.tables import ApiToken, AuditEvent, Device, Record
from upstream.store.tokens import create_token
from upstream.store.users import add_user
from upstream.tokens import Scope
from upstream.users import hash_password

PG_PORT = port_for.get_port(None)
PG_USER = "postgres"


def _pg_bindir() -> Path | None:
    try:
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = ""
    for candidate in (found, "/usr/lib/postgresql/15/bin"):
        if candidate and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def _as_postgres(*command: str) -> None:
    if os.geteuid() == 0:
        command = ("runuser", "-u", PG_USER, "--", *command)
    subprocess.run(command, check=True, capture_output=True, text=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[None]:
    bindir = _pg_bindir()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        message = "PostgreSQL binaries not found; `make test` installs Debian's postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="vital5-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, PG_USER, PG_USER)
    data = base / "data"
    options = f"-F -p {PG_PORT} -k {base} -c listen_addresses=127.0.0.1"
    try:
        _as_postgres(
            str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        _as_postgres(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w",
            "-o", options, "start",
        )  # fmt: skip
        yield
    finally:
        if (data / "postmaster.pid").exists():
            _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def pg_dsn(dbname: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{PG_PORT}/{dbname}"


def _migrate_template(*, dbname: str, **_: Any) -> None:
    migrate.upgrade(pg_dsn(dbname))


upstream_pg_noproc = factories.postgresql_noproc(
    host="127.0.0.1", port=PG_PORT, user=PG_USER, dbname="upstream_tests", load=[_migrate_template]
)


@pytest.fixture(scope="session")
def upstream_pg_proc(pg_server: None, upstream_pg_noproc: Any) -> Any:
    return upstream_pg_noproc


upstream_pg = factories.postgresql("upstream_pg_proc")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def dsn(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'upstream.sqlite3'}"
    connection = request.getfixturevalue("upstream_pg")
    return pg_dsn(connection.info.dbname)


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def upstream_public_key(key_dir: Path) -> bytes:
    return base64.b64decode(generate_key(key_dir).public_key)


@pytest.fixture
def upstream_settings(dsn: str, key_dir: Path, upstream_public_key: bytes) -> UpstreamSettings:
    return UpstreamSettings(_env_file=None, dsn=dsn, key_dir=key_dir)


@pytest.fixture
def upstream_app(upstream_settings: UpstreamSettings) -> Iterator[FastAPI]:
    app = create_app(upstream_settings)
    yield app
    engine(app).dispose()


@pytest.fixture
async def upstream(upstream_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=upstream_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://upstream.test") as c:
        yield c


def engine(app: FastAPI) -> Engine:
    found: Engine = app.state.upstream.engine
    return found


def counts(app: FastAPI) -> dict[str, int]:
    """Rows per table: a rejected submission must leave all of them unchanged."""
    with Session(engine(app)) as session:
        return {
            table.__tablename__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (Record, Device, ApiToken, AuditEvent)
        }


def enrol_kiosk(app: FastAPI, kiosk: FakeKiosk, site_id: str = "southwark-library-1") -> None:
    with Session(engine(app)) as session:
        enrol(
            session=session,
            code=parse_enrolment_code(kiosk.enrolment_code),
            site_id=site_id,
            now=utcnow(),
        )
        session.commit()


def make_token(app: FastAPI, *scopes: Scope, name: str = "test") -> str:
    with Session(engine(app)) as session:
        _row, text = create_token(session=session, name=name, scopes=scopes, now=utcnow())
        session.commit()
    return text


@pytest.fixture
def kiosk(upstream_app: FastAPI, upstream_public_key: bytes) -> FakeKiosk:
    """An enrolled kiosk."""
    enrolled = FakeKiosk(upstream_public_key)
    enrol_kiosk(upstream_app, enrolled)
    return enrolled


@pytest.fixture
def export_auth(upstream_app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(upstream_app, Scope.EXPORT, name='ICB analyst')}"}


@pytest.fixture
def admin_auth(upstream_app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(upstream_app, Scope.ADMIN, name='ICB admin')}"}


PASSWORD = "correct horse battery staple"


@functools.cache
def _password_hash(password: str) -> str:
    return hash_password(password)  # about 0.4 s each (RFC 9106 profile): made once


def make_user(app: FastAPI, email: str = "analyst@example.org", password: str = PASSWORD) -> str:
    with Session(engine(app)) as session:
        hashed = _password_hash(password)
        add_user(session=session, email=email, password_hash=hashed, now=utcnow())
        session.commit()
    return email


@pytest.fixture
async def browser(upstream_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client as a browser over https: it keeps cookies, Secure ones included."""
    transport = httpx.ASGITransport(app=upstream_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://upstream.test") as c:
        yield c


def form_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient,
    email: str = "analyst@example.org",
    password: str = PASSWORD,
    next: str = "/reports/equity",
) -> httpx.Response:
    page = await client.get("/login", params={"next": next})
    data = {"email": email, "password": password, "csrf_token": form_token(page), "next": next}
    return await client.post("/login", data=data)
