"""Signing in to the report pages: sessions, cookies, CSRF, sign-out, throttling, audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from tests.upstream.conftest import PASSWORD, engine, form_token, make_user, sign_in
from upstream.main import create_app
from upstream.settings import UpstreamSettings
from upstream.store.audit import add_event
from upstream.store.db import utcnow
from upstream.store.tables import AuditEvent, WebSession
from upstream.store.users import disable_user
from upstream.web.auth import MAX_FAILURES

REPORT = "/reports/equity"


def _events(app: FastAPI, action: str) -> list[AuditEvent]:
    with Session(engine(app)) as session:
        query = select(AuditEvent).where(col(AuditEvent.action) == action)
        return list(session.exec(query.order_by(col(AuditEvent.id))))


def _sessions(app: FastAPI) -> int:
    with Session(engine(app)) as session:
        return len(session.exec(select(WebSession)).all())


@pytest.mark.parametrize("path", [REPORT, f"{REPORT}.csv"])
async def test_the_report_needs_a_signed_in_user(browser: httpx.AsyncClient, path: str) -> None:
    response = await browser.get(path)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/reports/equity"
    assert response.headers["cache-control"] == "no-store"


async def test_signing_in_sets_a_hardened_session_cookie_and_goes_on(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    make_user(upstream_app)

    response = await sign_in(browser, email="  Analyst@Example.org ")

    assert (response.status_code, response.headers["location"]) == (303, REPORT)
    cookie = next(c for c in response.headers.get_list("set-cookie") if "v5u_session=" in c)
    assert {"HttpOnly", "Secure", "SameSite=strict", "Path=/"} <= {
        part.strip() for part in cookie.split(";")
    }
    assert (await browser.get(REPORT)).status_code == 200
    [event] = _events(upstream_app, "user.login")
    assert event.actor == "user:analyst@example.org"


async def test_on_a_loopback_address_the_cookie_may_go_over_plain_http(
    upstream_app: FastAPI,
) -> None:
    make_user(upstream_app)
    transport = httpx.ASGITransport(app=upstream_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8100") as local:
        response = await sign_in(local)
        page = await local.get(REPORT)

    cookie = next(c for c in response.headers.get_list("set-cookie") if "v5u_session=" in c)
    assert "Secure" not in cookie
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("analyst@example.org", "wrong password, long enough"), ("nobody@example.org", PASSWORD)],
    ids=["wrong password", "unknown user"],
)
async def test_a_wrong_password_or_unknown_user_gets_the_same_answer(
    browser: httpx.AsyncClient, upstream_app: FastAPI, email: str, password: str
) -> None:
    make_user(upstream_app)

    response = await sign_in(browser, email=email, password=password)

    assert response.status_code == 400
    assert "Enter the email address and password of a registered user" in response.text
    assert "v5u_session" not in response.headers.get("set-cookie", "")
    assert (await browser.get(REPORT)).status_code == 303
    [failed] = _events(upstream_app, "user.login_failed")
    assert (failed.actor, failed.target) == ("anonymous", email)
    assert _sessions(upstream_app) == 0


async def test_a_disabled_user_cannot_sign_in_and_loses_their_sessions(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    email = make_user(upstream_app)
    await sign_in(browser)
    with Session(engine(upstream_app)) as session:
        disable_user(session=session, email=email, now=utcnow())
        session.commit()

    assert (await browser.get(REPORT)).status_code == 303
    assert (await sign_in(browser)).status_code == 400


@pytest.mark.parametrize(
    "forgery",
    ["no token", "token from another form", "no login cookie", "foreign origin"],
)
async def test_the_sign_in_form_is_protected_against_cross_site_posts(
    browser: httpx.AsyncClient, upstream_app: FastAPI, forgery: str
) -> None:
    make_user(upstream_app)
    page = await browser.get("/login")
    data = {"email": "analyst@example.org", "password": PASSWORD, "csrf_token": form_token(page)}
    headers = {}
    if forgery == "no token":
        data["csrf_token"] = ""
    elif forgery == "token from another form":
        data["csrf_token"] = data["csrf_token"][:-2] + "AA"
    elif forgery == "no login cookie":
        browser.cookies.clear()
    else:
        headers["Origin"] = "https://evil.example"

    response = await browser.post("/login", data=data, headers=headers)

    assert response.status_code == 403
    assert "The sign-in form expired" in response.text
    assert _sessions(upstream_app) == 0


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/api/v1/audit"])
async def test_next_only_leads_to_report_pages(
    browser: httpx.AsyncClient, upstream_app: FastAPI, target: str
) -> None:
    make_user(upstream_app)

    response = await sign_in(browser, next=target)

    assert response.headers["location"] == REPORT


async def test_a_tampered_session_cookie_is_refused(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    make_user(upstream_app)
    await sign_in(browser)
    session_id, signature = browser.cookies["v5u_session"].rsplit(".", 1)
    browser.cookies.clear()

    for forged in (f"{session_id}x.{signature}", f"{session_id}.{signature[::-1]}", session_id):
        browser.cookies.set("v5u_session", forged, domain="upstream.test")
        assert (await browser.get(REPORT)).status_code == 303


async def test_signing_out_ends_the_session_on_the_server(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    make_user(upstream_app)
    await sign_in(browser)
    stolen = browser.cookies["v5u_session"]
    page = await browser.get(REPORT)

    response = await browser.post("/logout", data={"csrf_token": form_token(page)})

    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert (await browser.get(REPORT)).status_code == 303
    browser.cookies.set("v5u_session", stolen, domain="upstream.test")
    assert (await browser.get(REPORT)).status_code == 303  # a copied cookie is dead too
    assert _sessions(upstream_app) == 0
    [event] = _events(upstream_app, "user.logout")
    assert event.actor == "user:analyst@example.org"


async def test_sign_out_needs_the_forms_token(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    make_user(upstream_app)
    await sign_in(browser)

    response = await browser.post("/logout", data={"csrf_token": "forged"})

    assert response.headers["location"] == REPORT
    assert (await browser.get(REPORT)).status_code == 200


async def test_repeated_failures_lock_the_address_for_a_while(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    email = make_user(upstream_app)
    with Session(engine(upstream_app)) as session:
        for _ in range(MAX_FAILURES - 1):  # earlier failures, as the audit log holds them
            add_event(session=session, actor="anonymous", action="user.login_failed",
                      at=utcnow(), target=email)  # fmt: skip
        session.commit()
    assert (await sign_in(browser, password="not the password at all")).status_code == 400

    response = await sign_in(browser)  # the right password, too late

    assert response.status_code == 429
    assert _sessions(upstream_app) == 0


async def test_a_session_ends_after_its_lifetime(upstream_settings: UpstreamSettings) -> None:
    now = [datetime(2026, 11, 25, 9, 0, tzinfo=UTC)]
    app = create_app(
        upstream_settings.model_copy(update={"session_hours": 2}), clock=lambda: now[0]
    )
    make_user(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://u.test") as client:
        await sign_in(client)
        now[0] += timedelta(hours=1, minutes=59)
        assert (await client.get(REPORT)).status_code == 200
        now[0] += timedelta(minutes=2)
        assert (await client.get(REPORT)).status_code == 303
    engine(app).dispose()


async def test_pages_are_not_cached_framed_or_scripted(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/login")

    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert page.text.count("<script") == page.text.count(f'nonce="{nonce}"') == 1


async def test_sign_in_audit_rows_name_no_password(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    make_user(upstream_app)
    await sign_in(browser, password="a wrong password here")
    await sign_in(browser)

    for event in _events(upstream_app, "user.login_failed") + _events(upstream_app, "user.login"):
        assert "password" not in json.dumps([event.actor, event.target, event.detail])


async def test_an_overlong_address_is_refused_and_audited_cut_to_fit(
    browser: httpx.AsyncClient, upstream_app: FastAPI
) -> None:
    long_address = f"{'a' * 300}@example.org"

    response = await sign_in(browser, email=long_address)

    assert response.status_code == 400
    [failed] = _events(upstream_app, "user.login_failed")
    assert failed.target == long_address[:200]
