"""Database tables (SQLModel). Changes go through an Alembic migration.

What a stolen copy of this database gives away, table by table:

- ``record``: which enrolled device sent a record, and when. The health data
  is only the sealed box, which opens with a private key that lives in
  files outside the database (docs/upstream.md, "Storage").
- ``device``, ``api_token``: device public keys and argon2 hashes of tokens.
- ``audit_event``: who exported what, when.
- ``web_user``, ``web_session``: report users' e-mail addresses, argon2
  hashes of their passwords, and SHA-256 hashes of live session ids.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Identity, Integer, LargeBinary, Text
from sqlmodel import Field, SQLModel

# BIGINT identity on PostgreSQL; on SQLite an INTEGER PRIMARY KEY (the rowid),
# with AUTOINCREMENT so that a number is never handed out twice.
SequenceType = BigInteger().with_variant(Integer(), "sqlite")


class Device(SQLModel, table=True):
    """An enrolled kiosk or tablet: the Ed25519 key its records are signed with."""

    __tablename__ = "device"

    device_id: str = Field(primary_key=True, max_length=64)
    key_id: str = Field(index=True, max_length=16)
    public_key: str = Field(max_length=64)  # base64 of the raw 32 bytes
    site_id: str = Field(max_length=64)
    enrolled_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Record(SQLModel, table=True):
    """One stored sealed record, numbered in the order it was stored."""

    __tablename__ = "record"
    __table_args__ = {"sqlite_autoincrement": True}

    sequence: int | None = Field(
        default=None, sa_column=Column(SequenceType, Identity(), primary_key=True)
    )
    id: str = Field(unique=True, max_length=36)
    device_id: str = Field(foreign_key="device.device_id", index=True, max_length=64)
    device_key_id: str = Field(max_length=16)
    # The device's site when the record arrived (the registry's, not the record's).
    site_id: str = Field(max_length=64)
    upstream_key_id: str = Field(max_length=16)
    sealed_at: str = Field(max_length=40)  # as signed
    received_at: datetime = Field(sa_type=DateTime(timezone=True))
    envelope_sha256: str = Field(max_length=64)
    ciphertext: bytes = Field(sa_type=LargeBinary)
    signature: bytes = Field(sa_type=LargeBinary)


class ApiToken(SQLModel, table=True):
    """A bearer token for the export and admin APIs; only its argon2 hash is kept."""

    __tablename__ = "api_token"

    token_id: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=100)
    scopes: str = Field(max_length=100)  # space-separated
    secret_hash: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuditEvent(SQLModel, table=True):
    """Who did what, when: every export and every change to devices and tokens."""

    __tablename__ = "audit_event"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(
        default=None, sa_column=Column(SequenceType, Identity(), primary_key=True)
    )
    at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40, index=True)
    target: str | None = Field(default=None, max_length=200)
    detail: str = Field(default="{}", sa_type=Text)  # JSON


class WebUser(SQLModel, table=True):
    """Someone who may sign in to the report pages (``vital5 upstream users add``)."""

    __tablename__ = "web_user"

    email: str = Field(primary_key=True, max_length=254)  # lower case
    password_hash: str = Field(max_length=200)  # argon2id
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    disabled_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class WebSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of the session id is kept; signing out deletes the row."""

    __tablename__ = "web_session"

    id_sha256: str = Field(primary_key=True, max_length=64)
    email: str = Field(foreign_key="web_user.email", index=True, max_length=254)
    created_at: datetime = Field(sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))


# Every upstream table: the migrations compare the database with these only.
ALL_TABLES: tuple[type[SQLModel], ...] = (Device, Record, ApiToken, AuditEvent, WebUser, WebSession)
