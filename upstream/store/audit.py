"""The audit log: who did what, when. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, func, select

from upstream.store.tables import AuditEvent


def add_event(
    *,
    session: Session,
    actor: str,
    action: str,
    at: datetime,
    target: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    """Stage an audit row; the caller commits it together with what it records."""
    session.add(
        AuditEvent(
            at=at,
            actor=actor[:120],
            action=action,
            target=None if target is None else target[:200],
            detail=json.dumps(detail or {}, sort_keys=True),
        )
    )


def list_events(*, session: Session, after_id: int = 0, limit: int = 100) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .where(col(AuditEvent.id) > after_id)
        .order_by(col(AuditEvent.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def count_events(*, session: Session, action: str, target: str, since: datetime) -> int:
    """How many ``action`` events on ``target`` since ``since`` (e.g. failed sign-ins)."""
    statement = (
        select(func.count())
        .select_from(AuditEvent)
        .where(col(AuditEvent.action) == action)
        .where(col(AuditEvent.target) == target)
        .where(col(AuditEvent.at) >= since)
    )
    return session.exec(statement).one()
