"""Completed checks, kept until they are sealed and synced.

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


def upgrade() -> None:
    op.create_table(
        "check_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.String(length=32), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("sync_state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_check_record_completed_at", "check_record", ["completed_at"])
    op.create_index("ix_check_record_sync_state", "check_record", ["sync_state"])


def downgrade() -> None:
    op.drop_index("ix_check_record_sync_state", table_name="check_record")
    op.drop_index("ix_check_record_completed_at", table_name="check_record")
    op.drop_table("check_record")
