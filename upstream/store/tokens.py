"""API token rows: create, find, list, revoke.

Keyword-only functions. Changes are flushed, not committed: the caller
commits them together with their audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from upstream.store.tables import ApiToken
from upstream.tokens import Scope, new_token


def create_token(
    *, session: Session, name: str, scopes: Iterable[Scope], now: datetime
) -> tuple[ApiToken, str]:
    """A new token row and the token's text, which is shown once and never stored."""
    wanted = sorted({Scope(scope).value for scope in scopes})
    if not wanted:
        raise ValueError("a token needs at least one scope")
    token = new_token()
    row = ApiToken(
        token_id=token.token_id,
        name=name[:100],
        scopes=" ".join(wanted),
        secret_hash=token.secret_hash,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, token.text


def find_token(*, session: Session, token_id: str) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def list_tokens(*, session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(col(ApiToken.created_at))))


def revoke_token(*, session: Session, token_id: str, now: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise LookupError(token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.flush()
    return row
