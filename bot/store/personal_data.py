"""Everything stored about one person, kind by kind: what /export hands over.

Each provider reads one kind of record; ``collect`` runs them all in one transaction, so
the export is one consistent snapshot. A new kind of personal record adds its provider to
``PROVIDERS``, its deletion to ``Tx.erase`` and its table to ``scrub.PERSONAL_TABLES``.
Answered check-ins live in the session; scheduled ones in their own table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from bot.store.database import Dialect, transaction

# (cursor, dialect, person key) -> JSON-ready records of one kind (None or [] for none).
Provider = Callable[[Any, Dialect, str], object]


def _session(cursor: Any, dialect: Dialect, person: str) -> object:
    cursor.execute(dialect.sql("SELECT data FROM sessions WHERE person = ?"), (person,))
    row = cursor.fetchone()
    return None if row is None else json.loads(row[0])


def _last_question(cursor: Any, dialect: Dialect, person: str) -> object:
    sql = "SELECT question_id, message_id FROM prompts WHERE person = ?"
    cursor.execute(dialect.sql(sql), (person,))
    row = cursor.fetchone()
    return None if row is None else {"question_id": row[0], "telegram_message_id": row[1]}


def _undelivered_messages(cursor: Any, dialect: Dialect, person: str) -> object:
    sql = "SELECT payload, created_at FROM outbox WHERE person = ? ORDER BY id"
    cursor.execute(dialect.sql(sql), (person,))
    queued = [(json.loads(p), at) for p, at in cursor.fetchall()]
    for call, _ in queued:  # a keyboard is queued as JSON text: shown as what it is
        params = call.get("params") or {}
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
    # A queued document names only its kind (the export being sent is one): not data.
    return [
        {"queued_at": _iso(at), "message": call}
        for call, at in queued
        if call.get("method") != "sendDocument"
    ]


def _unprocessed_updates(cursor: Any, dialect: Dialect, person: str) -> object:
    sql = (
        "SELECT payload, received_at FROM inbox WHERE person = ? AND processed_at IS NULL "
        "ORDER BY update_id"
    )
    cursor.execute(dialect.sql(sql), (person,))
    return [
        {"received_at": _iso(at), "update": json.loads(p or "null")} for p, at in cursor.fetchall()
    ]


def _scheduled_checkins(cursor: Any, dialect: Dialect, person: str) -> object:
    sql = "SELECT flow_id, due_at FROM checkins WHERE person = ? ORDER BY due_at"
    cursor.execute(dialect.sql(sql), (person,))
    return [{"flow": flow_id, "due_at": _iso(due)} for flow_id, due in cursor.fetchall()]


PROVIDERS: dict[str, Provider] = {
    "session": _session,
    "scheduled_checkins": _scheduled_checkins,
    "last_question": _last_question,
    "undelivered_messages": _undelivered_messages,
    "unprocessed_updates": _unprocessed_updates,
}


def collect(
    engine: Any, dialect: Dialect, person: str, providers: Mapping[str, Provider] | None = None
) -> dict[str, object]:
    """Every kind of record stored about ``person``, by kind, in one transaction."""
    with transaction(engine, dialect) as cursor:
        return {
            kind: provider(cursor, dialect, person)
            for kind, provider in (providers or PROVIDERS).items()
        }


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
