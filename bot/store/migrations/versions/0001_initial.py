"""The schema as the bot created it before migrations: sessions, inbox, outbox, prompts.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("person", sa.String(64), primary_key=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_updated_at", "sessions", ["updated_at"])
    op.create_table(
        "inbox",
        sa.Column("update_id", _ID, primary_key=True, autoincrement=False),
        sa.Column("person", sa.String(64), nullable=True),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("not_before", sa.Float, nullable=True),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("processed_at", sa.Float, nullable=True),
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_index(
        "ix_inbox_pending",
        "inbox",
        ["person", "update_id"],
        sqlite_where=sa.text("processed_at IS NULL"),
        postgresql_where=sa.text("processed_at IS NULL"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("question_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("not_before", sa.Float, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.Float, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_person", "outbox", ["person", "id"])
    op.create_table(
        "prompts",
        sa.Column("person", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("outbox_id", _ID, nullable=True),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("prompts", "outbox", "inbox", "sessions"):
        op.drop_table(table)
