"""Database tables (SQLModel). Changes go through an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import DateTime, Table, Text
from sqlmodel import Field, SQLModel


class SyncState(StrEnum):
    """The outbox: pending → sending → acknowledged, or → rejected (docs/sync-protocol.md)."""

    PENDING = "pending"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"


class CheckMeta(SQLModel):
    # Where and how the check was done: no personal data.
    site_id: str = Field(max_length=64)
    mode: str = Field(max_length=16)
    form_id: str = Field(max_length=32)
    form_version: int


class CheckRecordBase(CheckMeta):
    # Same JSON schema as `vital5 score` reads and writes (docs/score-json.md),
    # so a stored check can always be scored again.
    answers_json: str = Field(sa_type=Text)
    result_json: str = Field(sa_type=Text)


class CheckRecord(CheckMeta, table=True):
    __tablename__ = "check_record"

    id: str = Field(primary_key=True, max_length=36)
    completed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    # The plaintext check: only until the device is enrolled. Once sealed the
    # row holds only ``envelope`` and these are NULL (docs/privacy.md).
    answers_json: str | None = Field(default=None, sa_type=Text)
    result_json: str | None = Field(default=None, sa_type=Text)
    # The sealed record exactly as sent (JSON text; docs/sync-protocol.md).
    envelope: str | None = Field(default=None, sa_type=Text)
    sync_state: str = Field(default=SyncState.PENDING.value, index=True, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_attempt_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str | None = Field(default=None, max_length=500)
    rejected_code: str | None = Field(default=None, max_length=32)
    rejected_reason: str | None = Field(default=None, max_length=500)
    acknowledged_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    upstream_sequence: int | None = Field(default=None)


# The table itself, for Core statements on the hot paths (crud.py,
# outbox_store.py) and for the migration environment.
CHECK_RECORD_TABLE: Final[Table] = CheckRecord.metadata.tables["check_record"]
