"""What staff see and do about the outbox: figures for /healthz and
``vital5 sync status``, and sending rejected records again.

Counts, times, codes and the upstream's error texts only: no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from kiosk_app.store.tables import CheckRecord, SyncState
from kiosk_app.sync.outbox_store import utc_or_none


@dataclass(frozen=True, slots=True)
class SyncStats:
    """Counts and times for staff; no personal data."""

    pending: int = 0
    unsealed: int = 0
    sending: int = 0
    acknowledged: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    oldest_pending_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None

    def figures(self, now: datetime) -> dict[str, object]:
        """As shown by /healthz and `vital5 sync status`."""
        oldest = self.oldest_pending_at
        return {
            "pending": self.pending,
            "unsealed": self.unsealed,
            "oldest_pending_age_s": round((now - oldest).total_seconds(), 1) if oldest else None,
            "sending": self.sending,
            "acknowledged": self.acknowledged,
            "rejected": dict(sorted(self.rejected.items())),
            "last_success_at": _iso(self.last_success_at),
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
        }


def requeue_rejected(*, session: Session, code: str | None = None) -> int:
    """Send rejected records again (after the upstream fixed the cause)."""
    where = col(CheckRecord.sync_state) == SyncState.REJECTED
    if code is not None:
        where = where & (col(CheckRecord.rejected_code) == code)
    result = session.execute(
        update(CheckRecord)
        .where(where)
        .values(
            sync_state=SyncState.PENDING.value,
            attempts=0,
            next_attempt_at=None,
            rejected_code=None,
            rejected_reason=None,
        )
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def stats(*, session: Session) -> SyncStats:
    counts = dict(
        session.exec(
            select(CheckRecord.sync_state, func.count()).group_by(col(CheckRecord.sync_state))
        ).all()
    )
    unsealed, oldest = session.exec(
        select(
            func.count().filter(col(CheckRecord.envelope).is_(None)),
            func.min(CheckRecord.completed_at),
        ).where(col(CheckRecord.sync_state) == SyncState.PENDING)
    ).one()
    rejected = session.exec(
        select(CheckRecord.rejected_code, func.count())
        .where(col(CheckRecord.sync_state) == SyncState.REJECTED)
        .group_by(col(CheckRecord.rejected_code))
    ).all()
    last_success = session.exec(select(func.max(CheckRecord.acknowledged_at))).one()
    error = session.exec(
        select(CheckRecord.last_error, CheckRecord.last_attempt_at)
        .where(
            col(CheckRecord.sync_state).in_([SyncState.PENDING, SyncState.SENDING]),
            col(CheckRecord.last_error).is_not(None),
        )
        .order_by(col(CheckRecord.last_attempt_at).desc())
        .limit(1)
    ).first()
    return SyncStats(
        pending=counts.get(SyncState.PENDING, 0),
        unsealed=unsealed or 0,
        sending=counts.get(SyncState.SENDING, 0),
        acknowledged=counts.get(SyncState.ACKNOWLEDGED, 0),
        rejected={code or "unspecified": n for code, n in rejected},
        oldest_pending_at=utc_or_none(oldest),
        last_success_at=utc_or_none(last_success),
        last_error=error[0] if error else None,
        last_error_at=utc_or_none(error[1]) if error else None,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
