"""Sealed outbox: the envelope, plaintext that can be wiped, and delivery state.

Revision ID: 0002
Revises: 0001

Existing rows keep their plaintext and stay ``pending``: the sync worker seals
them once the device is enrolled, then wipes the plaintext.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("check_record") as batch:
        batch.alter_column("answers_json", existing_type=sa.Text(), nullable=True)
        batch.alter_column("result_json", existing_type=sa.Text(), nullable=True)
        batch.add_column(sa.Column("envelope", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("rejected_code", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("rejected_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("upstream_sequence", sa.Integer(), nullable=True))


def downgrade() -> None:
    # 0001 cannot hold a sealed record: refuse rather than drop residents' checks.
    sealed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM check_record WHERE answers_json IS NULL")
    )
    if sealed.scalar_one():
        raise RuntimeError("sealed records exist; revision 0001 cannot hold them")
    with op.batch_alter_table("check_record") as batch:
        for column in (
            "upstream_sequence",
            "acknowledged_at",
            "rejected_reason",
            "rejected_code",
            "last_error",
            "last_attempt_at",
            "next_attempt_at",
            "attempts",
            "envelope",
        ):
            batch.drop_column(column)
        batch.alter_column("result_json", existing_type=sa.Text(), nullable=False)
        batch.alter_column("answers_json", existing_type=sa.Text(), nullable=False)
