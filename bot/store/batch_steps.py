"""Several people's steps in one PostgreSQL transaction (what a group commit writes).

Each person's lock is taken only if it is free, all in one statement: a batch never waits
for another transaction, so it never waits in a circle, and one busy person does not hold up
the others. A busy person's step goes back to run alone (``ALONE``), waiting for the lock in
its own thread. What each step reads comes back in one round trip, and what the steps insert
is written together before the commit (``row_writer.py``).

A step whose update turns out to be a duplicate or out of order writes nothing. A step that
fails may have written part of its work: the transaction is rolled back and the batch runs
again without it. (Not with a savepoint: psycopg forgets its prepared statements on any
ROLLBACK, and in pipeline mode that loses statements already queued.) A database error
cannot be pinned on one step: it is reported to every caller when the database is away
(the inbox retries), otherwise each step runs again alone, so only the step at fault fails.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import psycopg

from bot.store.database import is_unavailable, transaction
from bot.store.group_commit import ALONE
from bot.store.inbox import Duplicate, OutOfOrder
from bot.store.row_writer import RowWriter
from bot.store.work import TxResult, Work

if TYPE_CHECKING:
    from bot.store.sessions import SessionStore

log = logging.getLogger(__name__)

# Takes each person's lock only if it is free: a batch never waits for another transaction
# (nor in a circle); a person whose lock is taken runs alone, waiting by themselves.
_TRY_LOCK_PEOPLE = (
    "SELECT person, pg_try_advisory_xact_lock(hashtextextended(person, 0)) "
    "FROM unnest(%s::text[]) AS person"
)

# (Tx, result) of a step that ran; Duplicate or OutOfOrder; an exception; or
# the result of running alone.
Outcome = Any


class _StepFailed(Exception):
    """A step raised: the batch is rolled back and runs again without it."""

    def __init__(self, index: int, error: Exception):
        super().__init__(index)
        self.index = index
        self.error = error


def run_steps(store: SessionStore, works: list[Work[Any]]) -> list[Any]:
    """Run ``works`` (one per person) in one transaction: a result or exception for each, or
    ALONE for a person busy in another transaction."""
    outcomes: dict[int, Outcome] = {}
    todo = list(range(len(works)))
    while todo:
        try:
            outcomes.update(_together(store, works, todo))
            todo = []
        except _StepFailed as failed:
            outcomes[failed.index] = failed.error
            todo.remove(failed.index)
        except Exception as exc:
            if is_unavailable(exc):
                return [exc] * len(works)
            kind = type(exc).__name__
            log.warning("a batch of %s steps failed (%s); one at a time", len(todo), kind)
            outcomes.update({i: run_alone(store, works[i]) for i in todo})
            todo = []
    return [_result(store, works[i], outcomes[i]) for i in range(len(works))]


def _together(store: SessionStore, works: list[Work[Any]], todo: list[int]) -> dict[int, Outcome]:
    """One transaction for the works at ``todo``; raises _StepFailed for a step that did."""
    order = sorted(todo, key=lambda i: works[i].person)
    outcomes: dict[int, Outcome] = {}
    with transaction(store.engine, store.dialect, pipeline=True) as cursor:
        locking = cursor.connection.cursor()
        locking.execute(_TRY_LOCK_PEOPLE, ([works[i].person for i in order],))
        readings = store.read(cursor, [works[i] for i in order])  # one round trip for all
        locked = {person for person, got in locking.fetchall() if got}
        writer = RowWriter(cursor, store.dialect)  # all steps' inserts, one statement a kind
        for i, reading in zip(order, readings, strict=True):
            if works[i].person not in locked:
                outcomes[i] = ALONE
                continue
            work = works[i]
            try:
                outcomes[i] = _in_context(work, store.step_in, cursor, writer, work, reading)
            except (Duplicate, OutOfOrder) as skipped:  # found before anything was written
                outcomes[i] = skipped
            except Exception as exc:
                if isinstance(exc, psycopg.Error):
                    raise  # the transaction is broken: the whole batch goes
                raise _StepFailed(i, exc) from exc
        writer.flush()
    return outcomes


def _result(store: SessionStore, work: Work[Any], outcome: Outcome) -> Any:
    """After the commit: what ``SessionStore.run`` would have returned for this work."""
    if isinstance(outcome, tuple):
        tx, result = outcome
        return _in_context(work, store.committed, work, tx, result)
    if isinstance(outcome, Duplicate | OutOfOrder):
        return _in_context(work, store.skipped, work, outcome)
    return outcome  # a failure, the result of running alone, or ALONE


def run_alone(store: SessionStore, work: Work[Any]) -> TxResult[Any] | BaseException:
    """``work`` in a transaction of its own, in its caller's context; its exception returned."""
    try:
        return _in_context(work, store.run, work)
    except Exception as exc:
        return exc


def _in_context(work: Work[Any], func: Any, *args: Any) -> Any:
    """Call ``func`` in the context of whoever asked for ``work`` (their context variables)."""
    return work.context.run(func, *args) if work.context is not None else func(*args)
