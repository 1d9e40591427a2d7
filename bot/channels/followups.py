"""Firing a due follow-up check-in: claim it, step, and queue what it asks, in one transaction.

The person's session is locked first (as for any step or an erasure), then the check-in row
is deleted; only the transaction whose delete took the row queues the check-in, so it is
sent once even when several processes find it due at the same time. An erased person has no
check-ins left to claim.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.channels.conversations import Conversations
from bot.engine import CheckinDue, Reply, Session, step
from bot.store import Tx, TxResult


def fire(
    conversations: Conversations,
    checkin_id: int,
    person: str,
    now: datetime,
    deliver: Callable[[Reply, Tx], None],
) -> TxResult[Reply | None]:
    """Fire one due check-in (blocking); the result is None when it was not (or no longer)
    due: another process took it, it was cancelled, or the person erased their data."""

    def stepper(session: Session | None, tx: Tx) -> tuple[Session | None, Reply | None]:
        if not tx.checkins.claim(checkin_id, now):
            return session, None
        new, reply = step(conversations.flow_for(session), session, CheckinDue(), now)
        if reply.messages or reply.prompt is not None:
            deliver(reply, tx)
        return new, reply

    return conversations.store.transact(person, stepper)
