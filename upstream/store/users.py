"""Report users and their sessions: add, find, list, disable; start, find and end sessions.

Keyword-only functions. Changes are flushed, not committed: the caller
commits them together with their audit row. A session id is shown to the
browser once (inside the signed cookie) and stored only as its SHA-256, so a
copy of the database cannot be replayed as a sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from upstream.store.db import as_utc
from upstream.store.tables import WebSession, WebUser


class UserExistsError(ValueError):
    """A user with this address is already registered."""


def add_user(*, session: Session, email: str, password_hash: str, now: datetime) -> WebUser:
    if session.get(WebUser, email) is not None:
        raise UserExistsError(email)
    user = WebUser(email=email, password_hash=password_hash, created_at=now)
    session.add(user)
    session.flush()
    return user


def find_user(*, session: Session, email: str) -> WebUser | None:
    return session.get(WebUser, email)


def list_users(*, session: Session) -> list[WebUser]:
    return list(session.exec(select(WebUser).order_by(col(WebUser.email))))


def set_password_hash(*, session: Session, user: WebUser, password_hash: str) -> None:
    user.password_hash = password_hash
    session.add(user)
    session.flush()


def disable_user(*, session: Session, email: str, now: datetime) -> WebUser:
    """Refuse the user's sign-ins from now on and end every session they have."""
    user = session.get(WebUser, email)
    if user is None:
        raise LookupError(email)
    if user.disabled_at is None:
        user.disabled_at = now
        session.add(user)
    end_sessions(session=session, email=email)
    return user


def end_sessions(*, session: Session, email: str) -> None:
    """Sign someone out everywhere (a new password, a disabled account)."""
    session.execute(delete(WebSession).where(col(WebSession.email) == email))
    session.flush()


def start_session(*, session: Session, email: str, now: datetime, lifetime: timedelta) -> str:
    """A new session id for ``email`` (the caller signs it into a cookie); expired ones go."""
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_sha256=_digest(session_id), email=email, created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()
    return session_id


def find_session(*, session: Session, session_id: str, now: datetime) -> WebUser | None:
    """The user a live session id belongs to: unexpired, and the user not disabled."""
    row = session.get(WebSession, _digest(session_id))
    if row is None or as_utc(row.expires_at) <= now:
        return None
    user = session.get(WebUser, row.email)
    if user is None or user.disabled_at is not None:
        return None
    return user


def end_session(*, session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.id_sha256) == _digest(session_id)))
    session.flush()


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()
