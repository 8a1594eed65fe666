"""Signing in and out of the report pages. Every sign-in, failed or not, is audited.

After ``MAX_FAILURES`` failed attempts on one address within
``FAILURE_WINDOW``, that address is refused without checking the password
until the window has passed (counted from the audit log, so the limit holds
across instances). It slows guessing; it also means someone who knows an
address can lock its owner out for a while, which a small team can live with.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from upstream.api.deps import StateDep, UpstreamState
from upstream.store import audit, users
from upstream.users import (
    MAX_EMAIL_LENGTH,
    UserError,
    hash_password,
    needs_rehash,
    normalise_email,
    verify_password,
)
from upstream.web import sessions
from upstream.web.pages import redirect, render

router = APIRouter(include_in_schema=False)

DEFAULT_NEXT = "/reports/equity"
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
AUDIT_TARGET_LENGTH = 200
_SAFE_NEXT = re.compile(r"/reports/[A-Za-z0-9._-]+")


def safe_next(value: str | None) -> str:
    """Only our own report pages: ``next`` must never send a browser elsewhere."""
    return value if value and _SAFE_NEXT.fullmatch(value) else DEFAULT_NEXT


@router.get("/")
def home() -> Response:
    return redirect(DEFAULT_NEXT)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, state: StateDep, next: str | None = None) -> Response:
    if sessions.current_user(request, state) is not None:
        return redirect(safe_next(next))
    return _form(request, state, next=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=MAX_EMAIL_LENGTH * 2)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=200)] = DEFAULT_NEXT,
) -> Response:
    destination = safe_next(next)
    if not sessions.login_form_ok(request, state, csrf_token):
        return _form(request, state, next=destination, error="expired", status_code=403)
    try:
        address = normalise_email(email)
    except UserError:
        address = email.strip().lower()
    audit_target = address[:AUDIT_TARGET_LENGTH]  # as the audit log keeps it: counted below
    now = state.clock()
    with Session(state.engine) as session:
        since = now - FAILURE_WINDOW
        failures = audit.count_events(
            session=session, action="user.login_failed", target=audit_target, since=since
        )
        if failures >= MAX_FAILURES:
            return _form(
                request, state, next=destination, email=email, error="locked", status_code=429
            )
        user = users.find_user(session=session, email=address)
        live = user if user is not None and user.disabled_at is None else None
        if live is None or not verify_password(live.password_hash, password):
            if live is None:
                verify_password(None, password)  # the same work as a real check
            audit.add_event(
                session=session,
                actor="anonymous",
                action="user.login_failed",
                at=now,
                target=address,
            )
            session.commit()
            return _form(
                request, state, next=destination, email=email, error="wrong", status_code=400
            )
        if needs_rehash(live.password_hash):
            users.set_password_hash(
                session=session, user=live, password_hash=hash_password(password)
            )
        lifetime = timedelta(hours=state.settings.session_hours)
        session_id = users.start_session(
            session=session, email=live.email, now=now, lifetime=lifetime
        )
        audit.add_event(session=session, actor=f"user:{live.email}", action="user.login", at=now)
        session.commit()
    response = redirect(destination)
    sessions.set_session_cookie(response, request, state, session_id)
    return response


@router.post("/logout")
def logout(
    request: Request,
    state: StateDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    user = sessions.current_user(request, state)
    if user is not None and sessions.logout_ok(request, state, user, csrf_token):
        with Session(state.engine) as session:
            users.end_session(session=session, session_id=user.session_id)
            audit.add_event(
                session=session, actor=user.label, action="user.logout", at=state.clock()
            )
            session.commit()
    elif user is not None:
        return redirect(DEFAULT_NEXT)  # a forged or stale form: still signed in
    response = redirect("/login")
    sessions.clear_session_cookie(response, request)
    return response


_ERRORS = {
    "wrong": "Enter the email address and password of a registered user",
    "expired": "The sign-in form expired. Sign in again",
    "locked": "Too many failed attempts for this email address. Try again in 15 minutes",
}


def _form(
    request: Request,
    state: UpstreamState,
    *,
    next: str,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    nonce, token = sessions.new_login_form(request, state)
    page = render(
        request,
        "login.jinja",
        {"csrf_token": token, "next": next, "email": email, "error": _ERRORS.get(error or "")},
        status_code=status_code,
    )
    sessions.set_login_cookie(page, request, nonce)
    return page
