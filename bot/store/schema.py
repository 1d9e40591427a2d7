"""Tables: one row per person's session, and recently processed update ids."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    # A channel-scoped id such as "telegram:12345"; no names, no message text.
    Column("person", String(64), primary_key=True),
    Column("flow_id", String(32), nullable=False),
    Column("state", String(32), nullable=False),
    Column("data", Text, nullable=False),  # the Session as JSON
    Column("row_version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

processed_updates = Table(
    "processed_updates",
    metadata,
    # INTEGER on SQLite makes the id the rowid: no second index to maintain per update.
    Column(
        "update_id",
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
)
