"""Anonymous audit rows (``outcome_records``, ``check_events``): no person key anywhere.

Rows are written inside the step's own transaction (``Tx.insert``), so an update that is
rolled back or repeated leaves no count behind. Times are kept to the hour only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from bot.store.schema import check_events, outcome_records
from bot.store.tx import Tx

_EVENT = "INSERT INTO check_events (flow_id, version, kind, question_id, at) VALUES (?, ?, ?, ?, ?)"
_OUTCOME = (
    "INSERT INTO outcome_records (flow_id, version, outcome, red_flags, answers, reached_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def to_the_hour(moment: datetime) -> datetime:
    """A time as the audit keeps it: less precise, so harder to tie to one person."""
    return moment.replace(minute=0, second=0, microsecond=0)


def write_events(
    tx: Tx, flow_id: str, version: str, steps: list[tuple[str, str | None]], at: datetime
) -> None:
    """Count steps of a check: (kind, question id) pairs."""
    hour = to_the_hour(at)
    tx.insert(_EVENT, *((flow_id, version, kind, question, hour) for kind, question in steps))


def write_outcome(
    tx: Tx,
    flow_id: str,
    version: str,
    outcome: str,
    red_flags: dict[str, str],
    answers: dict[str, str],
    at: datetime,
) -> None:
    """Record the advice a version gave for a set of answers."""
    flags = ",".join(f"{q}={s}" for q, s in sorted(red_flags.items()))
    body = json.dumps(answers, sort_keys=True)
    tx.insert(_OUTCOME, (flow_id, version, outcome, flags, body, to_the_hour(at)))


@dataclass(frozen=True)
class EventCount:
    """How often one kind of step happened, per flow version and question."""

    flow_id: str
    version: str
    kind: str
    question_id: str | None
    count: int


@dataclass(frozen=True)
class OutcomeCount:
    """How many reached one outcome under one version (with one set of answers, if asked)."""

    flow_id: str
    version: str
    outcome: str
    red_flags: str
    answers: str | None
    count: int


def event_counts(engine: Engine, since: datetime | None = None) -> list[EventCount]:
    """Steps counted since ``since`` (all when None), grouped."""
    cols = (check_events.c.flow_id, check_events.c.version, check_events.c.kind)
    query = select(*cols, check_events.c.question_id, func.count()).group_by(
        *cols, check_events.c.question_id
    )
    if since is not None:
        query = query.where(check_events.c.at >= since)
    with engine.connect() as conn:
        return [EventCount(*row) for row in conn.execute(query)]


def outcome_counts(
    engine: Engine,
    since: datetime | None = None,
    *,
    version: str | None = None,
    by_answers: bool = False,
) -> list[OutcomeCount]:
    """Outcomes reached, per version (and per set of answers with ``by_answers``)."""
    t = outcome_records
    answers = t.c.answers if by_answers else None
    group = [t.c.flow_id, t.c.version, t.c.outcome, t.c.red_flags]
    if answers is not None:
        group.append(answers)
    query = select(*group, func.count()).group_by(*group).order_by(func.count().desc())
    if since is not None:
        query = query.where(t.c.reached_at >= since)
    if version is not None:
        query = query.where(t.c.version == version)
    with engine.connect() as conn:
        rows = conn.execute(query)
        return [OutcomeCount(*row[:4], row[4] if by_answers else None, row[-1]) for row in rows]
