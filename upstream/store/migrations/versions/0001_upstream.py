"""Devices, sealed records, API tokens and the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("device_id", sa.String(length=64), primary_key=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        _when("enrolled_at"),
        _when("revoked_at", nullable=True),
    )
    op.create_index("ix_device_key_id", "device", ["key_id"])
    op.create_table(
        "record",
        sa.Column("sequence", _SEQUENCE, sa.Identity(), primary_key=True),
        sa.Column("id", sa.String(length=36), nullable=False, unique=True),
        sa.Column(
            "device_id", sa.String(length=64), sa.ForeignKey("device.device_id"), nullable=False
        ),
        sa.Column("device_key_id", sa.String(length=16), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("upstream_key_id", sa.String(length=16), nullable=False),
        sa.Column("sealed_at", sa.String(length=40), nullable=False),
        _when("received_at"),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_record_device_id", "record", ["device_id"])
    op.create_table(
        "api_token",
        sa.Column("token_id", sa.String(length=16), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", sa.String(length=100), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        _when("created_at"),
        _when("revoked_at", nullable=True),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", _SEQUENCE, sa.Identity(), primary_key=True),
        _when("at"),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("api_token")
    op.drop_table("record")
    op.drop_table("device")
