"""Tables: sessions, the update inbox, the reply outbox and each person's last question.

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
    # A channel- and bot-scoped id such as "telegram:<bot id>:<chat id>"; no names, no text.
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
    # Telegram numbers updates per bot: several bots sharing the database each have their own
    # sequence. The bot id is the number before ':' in its token ('' outside Telegram).
    Column("bot", String(32), primary_key=True, server_default=""),
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
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
        "bot",
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
    Column("bot", String(32), nullable=False, server_default=""),  # the bot that sends it
    Column("person", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # what to send, in the channel's own form
    Column("question_id", String(64), nullable=True),  # set when it asks a question
    Column("created_at", Float, nullable=False),
    Column("not_before", Float, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(128), nullable=True),
    Column("lease_until", Float, nullable=True),
    Index("ix_outbox_person", "person", "id"),
    Index("ix_outbox_bot", "bot", "id"),
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


# --- follow-up check-ins (bot/store/checkins.py) ---------------------------------------
checkins = Table(
    "checkins",
    metadata,
    # One scheduled follow-up check-in; deleted when it fires, is cancelled or the person
    # erases their data. The answers to a check-in live in the person's session.
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("person", String(64), nullable=False, index=True),
    Column("flow_id", String(32), nullable=False),
    Column("due_at", Float, nullable=False, index=True),  # Unix seconds
    Column("created_at", Float, nullable=False),
    sqlite_autoincrement=True,  # ids are never reused: a cancel button names one check-in
)
# --- end of follow-up check-ins ----------------------------------------------------------
# ---------------------------------------------------------------- publishing and audit (issue 7)
# No person key in any of these tables: they may be kept as long as the audit needs.

flow_releases = Table(
    "flow_releases",
    metadata,
    # Every version that went live: the YAML itself, so a rollback can put it back.
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("flow_id", String(32), nullable=False),
    Column("version", String(32), nullable=False),  # the flow's content hash
    Column("source", String(500), nullable=False),  # the file it came from
    Column("content", Text, nullable=False),
    Column("scenarios", Text, nullable=True),  # JSON list of the scenario files it passed
    Column("diff_summary", Text, nullable=False),  # outcome diff against the previous one
    Column("published_by", String(64), nullable=False),  # "startup", "watcher", "admin", ...
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),  # rolled back
    Index("ix_flow_releases_flow", "flow_id", "id"),
    sqlite_autoincrement=True,
)

flow_approvals = Table(
    "flow_approvals",
    metadata,
    # A clinician's sign-off on one content hash (REQUIRE_APPROVAL).
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("flow_id", String(32), nullable=False),
    Column("version", String(32), nullable=False),
    Column("approved_by", String(100), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("diff_summary", Text, nullable=False),
    Index("ix_flow_approvals_version", "flow_id", "version"),
)

outcome_records = Table(
    "outcome_records",
    metadata,
    # Each outcome reached, without a person key: what a version advised for which answers.
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("flow_id", String(32), nullable=False),
    Column("version", String(32), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("red_flags", String(500), nullable=False),  # sorted "question=severity", comma-separated
    Column("answers", Text, nullable=False),  # JSON {question: option}
    Column("reached_at", DateTime(timezone=True), nullable=False),  # to the hour
    Index("ix_outcome_records_version", "flow_id", "version"),
)

check_events = Table(
    "check_events",
    metadata,
    # Counted steps for statistics: started, reached, answered, not_sure, typed, asked_again.
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("flow_id", String(32), nullable=False),
    Column("version", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("question_id", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),  # to the hour
    Index("ix_check_events_at", "at"),
)
# ---------------------------------------------------------------- end of issue 7 tables
