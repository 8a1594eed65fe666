"""Database tables (SQLModel). Changes go through an Alembic migration."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Text
from sqlmodel import Field, SQLModel


class SyncState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"


class CheckRecordBase(SQLModel):
    site_id: str = Field(max_length=64)
    mode: str = Field(max_length=16)
    form_id: str = Field(max_length=32)
    form_version: int
    # Same JSON schema as `vital5 score` reads and writes (docs/score-json.md),
    # so a stored check can always be scored again.
    answers_json: str = Field(sa_type=Text)
    result_json: str = Field(sa_type=Text)


class CheckRecord(CheckRecordBase, table=True):
    __tablename__ = "check_record"

    id: str = Field(primary_key=True, max_length=36)
    completed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    sync_state: str = Field(default=SyncState.PENDING.value, index=True, max_length=16)
