"""The tables as the bot created them before migrations (main at 8d9487f), frozen for tests.

Times in the inbox and outbox are Unix seconds (floats): compared, never shown.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()
# INTEGER on SQLite makes the id the rowid: no second index to maintain.
_ID = BigInteger().with_variant(Integer, "sqlite")

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

inbox = Table(
    "inbox",
    metadata,
    Column("update_id", _ID, primary_key=True, autoincrement=False),
    # The person and the raw update are kept only until the update is processed;
    # afterwards only the id remains, to ignore a re-delivery.
    Column("person", String(64), nullable=True),
    Column("payload", Text, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", Float, nullable=True),
    Column("received_at", Float, nullable=False),
    Column("processed_at", Float, nullable=True, index=True),
    Index(
        "ix_inbox_pending",
        "person",
        "update_id",
        sqlite_where=text("processed_at IS NULL"),
        postgresql_where=text("processed_at IS NULL"),
    ),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("person", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # what to send, in the channel's own form
    Column("question_id", String(64), nullable=True),  # set when it asks a question
    Column("created_at", Float, nullable=False),
    Column("not_before", Float, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(128), nullable=True),
    Column("lease_until", Float, nullable=True),
    Index("ix_outbox_person", "person", "id"),
    sqlite_autoincrement=True,  # ids are never reused: prompts.outbox_id stays unambiguous
)

prompts = Table(
    "prompts",
    metadata,
    # The question last sent to a person, and its message id once delivered.
    Column("person", String(64), primary_key=True),
    Column("question_id", String(64), nullable=False),
    Column("outbox_id", _ID, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("payload", Text, nullable=False),  # to send it again
)
