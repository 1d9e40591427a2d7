"""Several people's steps in one PostgreSQL transaction (what a group commit writes).

Every person of the batch is locked first, in one statement and in a fixed order (by the
lock's key), so two processes' batches never wait for each other in a circle. What each step
reads comes back in one round trip. Steps then run in the order of their people's keys, the
same order in which the outbox confirms delivered questions, so a batch and a confirmation
never lock two people's ``prompts`` rows in opposite orders.

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
from bot.store.inbox import Duplicate, OutOfOrder

if TYPE_CHECKING:
    from bot.store.sessions import SessionStore, TxResult, Work

log = logging.getLogger(__name__)

_LOCK_PEOPLE = (
    "SELECT pg_advisory_xact_lock(key) FROM (SELECT DISTINCT hashtextextended(person, 0) AS key "
    "FROM unnest(%s::text[]) AS person ORDER BY key) AS people"
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


def run_steps(store: SessionStore, works: list[Work[Any]]) -> list[TxResult[Any] | BaseException]:
    """Run ``works`` (one per person) in one transaction; a result or exception for each."""
    outcomes: dict[int, Outcome] = {}
    todo = list(range(len(works)))
    while len(todo) > 1:
        try:
            outcomes.update(_together(store, works, todo))
            todo = []
        except _StepFailed as failed:
            outcomes[failed.index] = failed.error
            todo.remove(failed.index)
        except Exception as exc:
            if is_unavailable(exc):
                return [exc] * len(works)
            log.warning("a batch of %s steps failed (%s); one at a time", len(todo), _name(exc))
            outcomes.update({i: _alone(store, works[i]) for i in todo})
            todo = []
    for i in todo:  # a last one goes alone
        outcomes[i] = _alone(store, works[i])
    return [_result(store, works[i], outcomes[i]) for i in range(len(works))]


def _together(store: SessionStore, works: list[Work[Any]], todo: list[int]) -> dict[int, Outcome]:
    """One transaction for the works at ``todo``; raises _StepFailed for a step that did."""
    order = sorted(todo, key=lambda i: works[i].person)
    outcomes: dict[int, Outcome] = {}
    with transaction(store.engine, store.dialect, pipeline=True) as cursor:
        cursor.execute(_LOCK_PEOPLE, ([works[i].person for i in order],))
        readings = {i: store.read(cursor, works[i]) for i in order}  # one round trip
        for i in order:
            try:
                outcomes[i] = _in_context(works[i], store.step_in, cursor, works[i], readings[i])
            except (Duplicate, OutOfOrder) as skipped:  # found before anything was written
                outcomes[i] = skipped
            except Exception as exc:
                if isinstance(exc, psycopg.Error):
                    raise  # the transaction is broken: the whole batch goes
                raise _StepFailed(i, exc) from exc
    return outcomes


def _result(store: SessionStore, work: Work[Any], outcome: Outcome) -> Any:
    """After the commit: what ``SessionStore.run`` would have returned for this work."""
    if isinstance(outcome, tuple):
        tx, result = outcome
        return _in_context(work, store.committed, work, tx, result)
    if isinstance(outcome, Duplicate | OutOfOrder):
        return _in_context(work, store.skipped, work, outcome)
    return outcome  # a failure, or the result of running alone


def _alone(store: SessionStore, work: Work[Any]) -> TxResult[Any] | BaseException:
    try:
        return _in_context(work, store.run, work)
    except Exception as exc:
        return exc


def _in_context(work: Work[Any], func: Any, *args: Any) -> Any:
    """Call ``func`` in the context of whoever asked for ``work`` (their context variables)."""
    return work.context.run(func, *args) if work.context is not None else func(*args)


def _name(exc: BaseException) -> str:
    return type(exc).__name__
