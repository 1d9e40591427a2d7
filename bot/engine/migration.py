"""Moving a person's session to a newly published version of its flow.

Answers are kept by question id (through the flow's ``renamed:`` map); an unfinished
session is replayed from the start with the answers that still fit, so a removed or renamed
question strands no one. Each move is recorded in the session.
"""

from __future__ import annotations

from datetime import datetime

from bot.engine.derived import derived_fields
from bot.engine.machine import compiled
from bot.engine.session import Migration, Session, worst_of
from bot.flow import Flow, Question


def migrate(flow: Flow, session: Session, now: datetime, previous: Flow | None = None) -> Session:
    """``session`` on ``flow``'s version; ``previous`` (the version it was on), when known,
    also counts answered questions whose wording or options changed."""
    changed = changed_questions(flow, session, previous)
    record = Migration(
        from_version=session.flow_version, to_version=flow.version, at=now, changed=changed
    )
    migrations = (*session.migrations, record)
    if session.ended and flow.outcome(session.state) is not None:
        return session.model_copy(update={"flow_version": flow.version, "migrations": migrations})
    engine = compiled(flow)
    kept = {}
    for old_id, option_id in session.answers.items():
        new_id = old_id if flow.question(old_id) else flow.renamed.get(old_id, old_id)
        question = flow.question(new_id)
        if question is not None and question.option(option_id) is not None:
            kept[new_id] = option_id
    history: list[str] = []
    state = flow.start
    while state in kept and flow.question(state) is not None and state not in history:
        history.append(state)
        worst = worst_of(derived_fields(flow, tuple(history), kept)["red_flags"])
        state = engine.advance(state, kept[state], worst)
    ended = flow.question(state) is None
    fields = derived_fields(flow, tuple(history), {q: kept[q] for q in history})
    return Session(
        flow_id=flow.id,
        flow_version=flow.version,
        state=state,
        started_at=session.started_at,
        updated_at=now,
        **fields,
        ended=ended,
        offer_resume=session.offer_resume and not ended,
        pending=None,
        migrations=migrations,
        followup=session.followup,
    )


def changed_questions(flow: Flow, session: Session, previous: Flow | None) -> tuple[str, ...]:
    """The answered questions (old ids) whose answer cannot carry over as it was given."""
    changed = []
    for old_id in session.history:
        new_id = old_id if flow.question(old_id) else flow.renamed.get(old_id, old_id)
        question = flow.question(new_id)
        if (
            question is None
            or question.option(session.answers.get(old_id, "")) is None
            or (previous is not None and _reworded(previous.question(old_id), question))
        ):
            changed.append(old_id)
    return tuple(changed)


def _reworded(before: Question | None, after: Question) -> bool:
    if before is None:
        return False
    options = [(o.id, o.label) for o in before.options] != [(o.id, o.label) for o in after.options]
    return before.prompt != after.prompt or options
