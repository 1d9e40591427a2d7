"""Follow-up check-ins, published flow versions and sign-offs, and the anonymous audit.

``checkins`` holds a person key (erased with the person); ``flow_releases``,
``flow_approvals``, ``outcome_records`` and ``check_events`` hold none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(64), nullable=False, index=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("due_at", sa.Float, nullable=False, index=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "flow_releases",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("scenarios", sa.Text, nullable=True),
        sa.Column("diff_summary", sa.Text, nullable=False),
        sa.Column("published_by", sa.String(64), nullable=False),
        sa.Column("published_at", _WHEN, nullable=False),
        sa.Column("withdrawn_at", _WHEN, nullable=True),
        sa.Index("ix_flow_releases_flow", "flow_id", "id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "flow_approvals",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("approved_at", _WHEN, nullable=False),
        sa.Column("diff_summary", sa.Text, nullable=False),
        sa.Index("ix_flow_approvals_version", "flow_id", "version"),
    )
    op.create_table(
        "outcome_records",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("red_flags", sa.String(500), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("reached_at", _WHEN, nullable=False),
        sa.Index("ix_outcome_records_version", "flow_id", "version"),
    )
    op.create_table(
        "check_events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("flow_id", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Index("ix_check_events_at", "at"),
    )


def downgrade() -> None:
    for table in ("check_events", "outcome_records", "flow_approvals", "flow_releases"):
        op.drop_table(table)
    op.drop_table("checkins")
