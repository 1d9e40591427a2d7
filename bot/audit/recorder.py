"""What one step adds to the anonymous audit: steps counted, outcomes recorded.

Nothing here knows who the person is; preview sessions (admins trying an unpublished flow)
are never recorded.
"""

from __future__ import annotations

from datetime import datetime

from bot.engine import Answer, Event, Reply, Session
from bot.flow import Flow
from bot.flow.model import UNSURE_OPTION_IDS
from bot.store import Tx
from bot.store.audit_log import write_events, write_outcome

PREVIEW_PREFIX = "preview:"


def record_step(
    flow: Flow,
    before: Session | None,
    after: Session | None,
    event: Event,
    reply: Reply,
    now: datetime,
    tx: Tx,
) -> None:
    """Count what this step did: a check started, a question reached, answered (not sure?),
    typed, read back or asked again, and the outcome reached."""
    write_events(tx, flow.id, flow.version, steps(flow, before, after, event, reply), now)
    if after is not None and after.ended and not (before is not None and before.ended):
        write_outcome(tx, flow.id, flow.version, after.state, after.red_flags, after.answers, now)


def steps(
    flow: Flow, before: Session | None, after: Session | None, event: Event, reply: Reply
) -> list[tuple[str, str | None]]:
    """The (kind, question id) pairs one step counts."""
    found: list[tuple[str, str | None]] = []
    if after is not None and (before is None or after.started_at != before.started_at):
        found.append(("started", None))
    asked = before.state if before is not None and not before.ended else None
    on_question = asked is not None and flow.question(asked) is not None and before is not None
    typed = isinstance(event, Answer) and event.option_id is None and event.text is not None
    answered = reply.answered.prompt.question_id if reply.answered else None
    if answered is not None and flow.question(answered) is not None:
        found.append(("answered", answered))
        option = after.answers.get(answered) if after is not None else None
        if option in UNSURE_OPTION_IDS:
            found.append(("not_sure", answered))
    if typed and on_question and not before.offer_resume:
        found.append(("typed", asked))
        if answered is None and after is not None and after.state == asked:
            found.append(("read_back" if after.pending else "asked_again", asked))
    if after is None and reply.ended:
        found.append(("declined", None))
    elif after is not None and after.ended and (before is None or not before.ended):
        found.append(("finished", None))
    elif after is not None and not after.ended and after.state != (before and before.state):
        found.append(("reached", after.state))
    return found
