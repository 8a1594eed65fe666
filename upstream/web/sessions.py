"""Who is signed in: a signed session cookie naming a session row; CSRF tokens for forms.

The cookie is ``<session id>.<HMAC of it>``: forged or altered cookies are
refused before the database is asked, and the row (stored as a hash of the
id) lets signing out, disabling a user or expiry end a session on every
instance at once. Cookies are HttpOnly and SameSite=Strict, and Secure
unless the page was asked for on a loopback address (web.pages.is_loopback).

Forms carry a token signed for their purpose: the sign-in form's is bound
to a random nonce in its own short-lived cookie (the "double submit"
pattern, signed), the sign-out form's to the session itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlmodel import Session

from upstream.api.deps import UpstreamState
from upstream.store import users
from upstream.web.pages import is_loopback

SESSION_COOKIE = "v5u_session"
LOGIN_COOKIE = "v5u_login"
LOGIN_FORM_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SignedIn:
    email: str
    session_id: str

    @property
    def label(self) -> str:
        """As the audit log names them."""
        return f"user:{self.email}"


def current_user(request: Request, state: UpstreamState) -> SignedIn | None:
    session_id = _signed_value(request.cookies.get(SESSION_COOKIE), "session", state)
    if session_id is None:
        return None
    with Session(state.engine) as session:
        user = users.find_session(session=session, session_id=session_id, now=state.clock())
    return None if user is None else SignedIn(user.email, session_id)


def set_session_cookie(
    response: Response, request: Request, state: UpstreamState, session_id: str
) -> None:
    value = f"{session_id}.{state.signer.sign('session', session_id)}"
    max_age = int(state.settings.session_hours * 3600)
    _set(response, request, SESSION_COOKIE, value, max_age=max_age, path="/")
    response.delete_cookie(
        LOGIN_COOKIE,
        path="/login",
        secure=not is_loopback(request),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=not is_loopback(request), httponly=True, samesite="strict"
    )


def new_login_form(request: Request, state: UpstreamState) -> tuple[str, str]:
    """A nonce for the sign-in form's cookie, and the form's token signed over it."""
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    return nonce, state.signer.sign("login", nonce)


def set_login_cookie(response: Response, request: Request, nonce: str) -> None:
    max_age = int(LOGIN_FORM_LIFETIME.total_seconds())
    _set(response, request, LOGIN_COOKIE, nonce, max_age=max_age, path="/login")


def login_form_ok(request: Request, state: UpstreamState, token: str) -> bool:
    nonce = request.cookies.get(LOGIN_COOKIE)
    return bool(nonce) and same_origin(request) and state.signer.verify("login", nonce or "", token)


def logout_token(state: UpstreamState, user: SignedIn) -> str:
    return state.signer.sign("logout", user.session_id)


def logout_ok(request: Request, state: UpstreamState, user: SignedIn, token: str) -> bool:
    return same_origin(request) and state.signer.verify("logout", user.session_id, token)


def same_origin(request: Request) -> bool:
    """A browser's Origin header, when sent, must name this host (SameSite's second line)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def _signed_value(cookie: str | None, purpose: str, state: UpstreamState) -> str | None:
    value, _, signature = (cookie or "").rpartition(".")
    if not value or not signature or not state.signer.verify(purpose, value, signature):
        return None
    return value


def _set(
    response: Response, request: Request, name: str, value: str, *, max_age: int, path: str
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=not is_loopback(request),
        httponly=True,
        samesite="strict",
    )
