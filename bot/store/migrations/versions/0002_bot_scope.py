"""Several bots on one database: update ids are unique per bot, the outbox names its bot.

Person keys gain the bot id too (``telegram:<bot>:<chat>``); the rows written before this
revision are adopted by the first bot that starts afterwards (``SessionStore.adopt_legacy``),
since a migration does not know the token.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = "update_id, person, payload, attempts, not_before, received_at, processed_at"


def upgrade() -> None:
    op.create_table(
        "inbox_by_bot",
        sa.Column("bot", sa.String(32), primary_key=True, server_default=""),
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("person", sa.String(64), nullable=True),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("not_before", sa.Float, nullable=True),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("processed_at", sa.Float, nullable=True),
    )
    op.execute(f"INSERT INTO inbox_by_bot (bot, {_COLUMNS}) SELECT '', {_COLUMNS} FROM inbox")
    op.drop_table("inbox")
    op.rename_table("inbox_by_bot", "inbox")
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_index(
        "ix_inbox_pending",
        "inbox",
        ["bot", "person", "update_id"],
        sqlite_where=sa.text("processed_at IS NULL"),
        postgresql_where=sa.text("processed_at IS NULL"),
    )
    op.add_column("outbox", sa.Column("bot", sa.String(32), nullable=False, server_default=""))
    op.create_index("ix_outbox_bot", "outbox", ["bot", "id"])


def downgrade() -> None:
    raise NotImplementedError("update ids of several bots cannot be merged back into one")
