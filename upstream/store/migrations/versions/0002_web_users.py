"""Report users (argon2 password hashes) and their sessions (hashed ids).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("email", sa.String(length=254), primary_key=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        _when("created_at"),
        _when("disabled_at", nullable=True),
    )
    op.create_table(
        "web_session",
        sa.Column("id_sha256", sa.String(length=64), primary_key=True),
        sa.Column("email", sa.String(length=254), sa.ForeignKey("web_user.email"), nullable=False),
        _when("created_at"),
        _when("expires_at"),
    )
    op.create_index("ix_web_session_email", "web_session", ["email"])


def downgrade() -> None:
    op.drop_table("web_session")
    op.drop_table("web_user")
