"""The equity report leaves no plaintext behind, is audited, and copes without lookups or keys.

"No plaintext" is checked three ways while a report runs: every SQL
statement and its parameters, every row of every table afterwards, and the
bytes of the database files and of any new temporary file.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, inspect, text
from sqlmodel import Session, col, select

from tests.upstream.conftest import engine, make_token, make_user, sign_in
from tests.upstream.report_population import FIXTURES
from tests.upstream.test_report_endpoints import LOOKUPS, REPORT, rows, store_population
from upstream.crypto import generate_key
from upstream.main import create_app
from upstream.report.geography import LookupFileError
from upstream.settings import UpstreamSettings
from upstream.store.tables import AuditEvent
from upstream.tokens import Scope

# Values that exist only inside the sealed boxes or in the report's output.
MARKERS = (
    "ZZ1 1AA", "ZZ11AA", "zz1 1aa", "ZZ2 2BA", "ZZ22BA", "E01999001", "E01999003",
    "black_african", "asian_indian", "stage_1", "obesity_class", "bmi_category",
    "systolic", "Ashford Vale", "Brook Hill", "Cedar Green", "bp_stage_1_or_above",
)  # fmt: skip


def _audit(app: FastAPI) -> list[AuditEvent]:
    with Session(engine(app)) as session:
        query = select(AuditEvent).where(col(AuditEvent.action) == "report.equity")
        return list(session.exec(query.order_by(col(AuditEvent.id))))


def _leaks(blob: str | bytes) -> list[str]:
    data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
    return [marker for marker in MARKERS if marker.encode() in data]


@pytest.fixture
def statements(upstream_settings: UpstreamSettings) -> Iterator[tuple[FastAPI, list[Any]]]:
    app = create_app(upstream_settings.model_copy(update=LOOKUPS))
    seen: list[Any] = []
    yield app, seen
    engine(app).dispose()


async def test_a_report_run_writes_no_plaintext_anywhere(
    statements: tuple[FastAPI, list[Any]], upstream_public_key: bytes, tmp_path: Path
) -> None:
    app, seen = statements
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        await store_population(app, client, upstream_public_key)
        make_user(app)
        await sign_in(client)
        temporary = set(Path(tempfile.gettempdir()).iterdir())
        files = set(tmp_path.rglob("*"))

        def watch(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
            seen.append((sql, params))

        event.listen(engine(app), "before_cursor_execute", watch)
        page = await client.get(REPORT)
        table = await client.get(f"{REPORT}.csv")
        event.remove(engine(app), "before_cursor_execute", watch)

    assert "Ashford Vale" in page.text  # the report did show what it read
    assert rows(table.text)["borough", "total", "checks"] == ("44", "", "")
    # 1. Statements: reads, and the audit rows; no parameter carries a value.
    for sql, params in seen:
        verb = " ".join(sql.split()[:3]).upper()
        assert verb.startswith(("SELECT", "BEGIN", "INSERT INTO AUDIT_EVENT")), sql
        assert not _leaks(repr(params)), (sql, params)
    # 2. Every row of every table.
    with Session(engine(app)) as session:
        names = inspect(engine(app)).get_table_names()
        assert {"record", "audit_event", "web_session"} <= set(names)
        for name in names:
            for row in session.execute(text(f'SELECT * FROM "{name}"')):
                assert not _leaks(repr(tuple(row))), name
    # 3. The database files, and any file that appeared during the run.
    new_files = (set(tmp_path.rglob("*")) - files) | (
        set(Path(tempfile.gettempdir()).iterdir()) - temporary
    )
    for path in [*tmp_path.glob("upstream.sqlite3*"), *new_files]:
        if path.is_file():
            assert not _leaks(path.read_bytes()), path


async def test_every_view_is_audited_with_who_and_what(
    statements: tuple[FastAPI, list[Any]], upstream_public_key: bytes
) -> None:
    app, _ = statements
    token = make_token(app, Scope.EXPORT, name="ICB BI")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        await store_population(app, client, upstream_public_key)
        make_user(app)
        await sign_in(client)
        await client.get(REPORT)
        await client.get(f"{REPORT}.csv")
        client.cookies.clear()
        await client.get(f"{REPORT}.csv", headers={"Authorization": f"Bearer {token}"})
        await client.get(REPORT)  # not signed in: nothing shown, nothing audited

    page, csv_by_user, csv_by_token = _audit(app)
    token_id = token.split(".")[1]
    assert [(e.actor, e.target) for e in (page, csv_by_user, csv_by_token)] == [
        ("user:analyst@example.org", "html"),
        ("user:analyst@example.org", "csv"),
        (f"token:{token_id} (ICB BI)", "csv"),
    ]
    assert json.loads(page.detail) == {"records_read": 44, "unreadable": 0, "upto_sequence": 44}


async def test_without_lookups_the_quintile_and_borough_are_unknown(
    upstream_app: FastAPI, browser: httpx.AsyncClient, upstream_public_key: bytes
) -> None:
    await store_population(upstream_app, browser, upstream_public_key)
    make_user(upstream_app)
    await sign_in(browser)

    found = rows((await browser.get(f"{REPORT}.csv")).text)
    page = await browser.get(REPORT)

    # One row each: with no data, empty rows would only be zeros to suppress.
    assert [key for key in found if key[0] == "imd_quintile" and key[2] == "checks"] == [
        ("imd_quintile", "unknown", "checks"),
        ("imd_quintile", "total", "checks"),
    ]
    assert found["imd_quintile", "unknown", "checks"] == ("44", "", "")
    assert found["borough", "unknown", "checks"] == ("44", "", "")
    assert [key for key in found if key[0] == "borough_source"] == [
        ("borough_source", "unknown", "checks")
    ]
    assert "every quintile is Unknown" in page.text


async def test_records_that_no_longer_open_are_counted_and_left_out(
    upstream_app: FastAPI,
    upstream_settings: UpstreamSettings,
    browser: httpx.AsyncClient,
    upstream_public_key: bytes,
    tmp_path: Path,
) -> None:
    await store_population(upstream_app, browser, upstream_public_key)
    other_keys = tmp_path / "other-keys"
    generate_key(other_keys)  # the same database, served with only a newer key
    rotated = create_app(upstream_settings.model_copy(update={"key_dir": other_keys}))
    token = {"Authorization": f"Bearer {make_token(rotated, Scope.EXPORT)}"}
    transport = httpx.ASGITransport(app=rotated)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        response = await client.get(f"{REPORT}.csv", headers=token)
    [audited] = _audit(rotated)
    engine(rotated).dispose()

    assert response.status_code == 200
    assert rows(response.text)["borough", "total", "checks"] == ("suppressed", "", "")
    assert json.loads(audited.detail)["unreadable"] == 44


def test_a_misconfigured_lookup_stops_start_up(
    upstream_settings: UpstreamSettings, tmp_path: Path
) -> None:
    with pytest.raises(LookupFileError, match="no column named site_id"):
        create_app(upstream_settings.model_copy(update={"site_boroughs": FIXTURES / "imd.csv"}))
    with pytest.raises(LookupFileError):
        create_app(upstream_settings.model_copy(update={"imd_lookup": tmp_path / "none.csv"}))
