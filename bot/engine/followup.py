"""Follow-up check-ins in the conversation: offer one after a self-care outcome, and run it.

Pure like ``step``: the time is passed in, and scheduling is only asked for in the reply
(``Reply.checkin_at``); the store keeps the due check-ins. A due check-in asks about
warning signs first (a sign, or not being sure, runs the flow's warning-sign questions
again), then how the twitching is: gone closes the episode; still there
``still_there_days`` after the first check, or an answer with an ``outcome``, gives that
outcome; otherwise another check-in is offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from bot.engine import texts
from bot.engine.confirming import confirmation
from bot.engine.events import Answer, CheckinDue, Event
from bot.engine.machine import compiled
from bot.engine.reply import Answered, Message, Prompt, Reply
from bot.engine.session import CheckinRecord, Followup, Session
from bot.flow import SEVERITY_RANK, Flow, Question
from bot.flow.checkin_model import Checkins

Stepper = Callable[..., tuple[Session | None, Reply]]


def with_checkins(check_step: Stepper) -> Stepper:
    """``step`` with follow-up check-ins: their events go here, the rest to the check, whose
    self-care outcome then offers a check-in."""

    @wraps(check_step)
    def step(
        flow: Flow, session: Session | None, event: Event, now: datetime, **options: Any
    ) -> tuple[Session | None, Reply]:
        if takes(flow, session, event):
            return step_checkin(flow, session, event, now)
        new, reply = at_least_floor(flow, *check_step(flow, session, event, now, **options))
        if new is not None and new.followup is None and session is not None and session.followup:
            # A new check (/restart) belongs to the same episode: "two weeks after the first
            # check" still counts from the first.
            episode = session.followup.model_copy(update={"stage": None})
            new = new.model_copy(update={"followup": episode})
        return offered(flow, new, reply, now)

    return step


def at_least_floor(
    flow: Flow, session: Session | None, reply: Reply
) -> tuple[Session | None, Reply]:
    """A recheck that ends milder than its floor ends at the floor instead."""
    followup = session.followup if session is not None else None
    if session is None or followup is None or followup.floor is None or not session.ended:
        return session, reply
    session = session.model_copy(update={"followup": followup.model_copy(update={"floor": None})})
    reached, floor = flow.outcome(session.state), flow.outcome(followup.floor)
    if reached is None or floor is None:
        return session, reply
    if SEVERITY_RANK[reached.red_flag] >= SEVERITY_RANK[floor.red_flag]:
        return session, reply
    session = session.model_copy(update={"state": floor.id})
    return session, replace(reply, messages=(texts.outcome_message(flow, floor, session),))


def takes(flow: Flow, session: Session | None, event: Event) -> bool:
    """Whether ``event`` belongs to a follow-up check-in rather than to the check itself."""
    if isinstance(event, CheckinDue):
        return True
    if session is None or flow.checkins is None or session.flow_id != flow.id:
        return False
    stage = session.followup.stage if session.followup else None
    if not stage or not isinstance(event, Answer):
        return False
    return event.question_id is None or event.question_id == _question(flow.checkins, stage).id


def knows(flow: Flow, question_id: str, option_id: str) -> bool:
    """Whether a button names an answer of one of the flow's check-in questions."""
    question = flow.checkins.question(question_id) if flow.checkins else None
    return question is not None and question.option(option_id) is not None


def step_checkin(
    flow: Flow, session: Session | None, event: Event, now: datetime
) -> tuple[Session | None, Reply]:
    """A due check-in starts; or an answer to the offer or a check-in question."""
    checkins = flow.checkins
    if isinstance(event, CheckinDue):
        if session is None or checkins is None or session.flow_id != flow.id:
            return session, Reply()  # erased: nothing to ask
        if not session.ended and set(session.history) - {flow.start}:
            return session, Reply()  # a new check is under way: it asks everything anew
        followup = _followup(session)
        record = CheckinRecord(asked_at=now)
        followup = followup.model_copy(
            update={"stage": "signs", "history": (*followup.history, record)}
        )
        session = session.model_copy(
            update={"followup": followup, "pending": None, "updated_at": now}
        )
        intro = Message(checkins.signs.intro, title=flow.title)
        return session, Reply(messages=(intro,), prompt=_prompt(flow, checkins.signs.id))
    assert checkins is not None and session is not None and session.followup is not None
    assert isinstance(event, Answer)
    stage = session.followup.stage
    assert stage is not None
    question = _question(checkins, stage)
    option_id = event.option_id
    if option_id is None:
        option_id, unsure = _read(flow, session, question, event.text or "", now)
        if unsure is not None:
            return unsure
    option = question.option(option_id or "")
    if option is None:
        return session, Reply(notice=texts.OLD_BUTTON)
    session = session.model_copy(update={"pending": None, "updated_at": now})
    answered = Answered(_prompt(flow, question.id), option.label)
    if stage == "offer":
        new, reply = _offer_answer(flow, checkins, session, option.id, now)
    elif stage == "signs":
        new, reply = _signs_answer(flow, checkins, session, option.id, now)
    else:
        new, reply = _progress_answer(flow, checkins, session, option.id, now)
    return new, replace(reply, answered=answered)


def _read(
    flow: Flow, session: Session, question: Question, text: str, now: datetime
) -> tuple[str | None, tuple[Session, Reply] | None]:
    """Typed text as an answer (an option id), or the read-back / ask-again step instead."""
    reader = compiled(flow).readers[question.id]
    reading = None
    if session.pending is not None and question.option(session.pending) is not None:
        reading = confirmation(reader, session.pending, text, now)
    reading = reading or reader.read(text, now)
    if reading.asks_again:
        session = session.model_copy(update={"pending": None})
        notice = Message(texts.ask_again(question, reading.reason), tone="notice")
        return None, (session, Reply(messages=(notice,), prompt=_prompt(flow, question.id)))
    if not reading.certain:
        option = question.option(reading.option_id or "")
        assert option is not None, reading
        session = session.model_copy(update={"pending": option.id})
        prompt = texts.marked(_prompt(flow, question.id), option.id)
        notice = Message(texts.read_back(option.label), tone="notice")
        return None, (session, Reply(messages=(notice,), prompt=prompt))
    return reading.option_id, None


def offered(
    flow: Flow, session: Session | None, reply: Reply, now: datetime
) -> tuple[Session | None, Reply]:
    """After the check's own step: offer a check-in at a fresh self-care outcome, or show a
    pending check-in question again (after /summary, for example)."""
    checkins = flow.checkins
    if session is None or checkins is None or not session.ended or reply.prompt is not None:
        return session, reply
    stage = session.followup.stage if session.followup else None
    if reply.answered is not None and session.state in checkins.offer_after:
        followup = _followup(session).model_copy(update={"stage": "offer"})
        session = session.model_copy(update={"followup": followup})
        return session, replace(reply, prompt=_prompt(flow, checkins.offer.id))
    if stage is not None and reply.answered is None:
        return session, replace(reply, prompt=_prompt(flow, _question(checkins, stage).id))
    return session, reply


def _offer_answer(
    flow: Flow, checkins: Checkins, session: Session, option_id: str, now: datetime
) -> tuple[Session, Reply]:
    session = _at_stage(session, None)
    days = checkins.offer_days(option_id)
    if days is None:
        return session, Reply(messages=(Message(checkins.offer.declined),), ended=True)
    due = now + timedelta(days=days)
    text = checkins.offer.scheduled.replace("{date}", day_name(due))
    return session, Reply(messages=(Message(text),), ended=True, checkin_at=due)


def _signs_answer(
    flow: Flow, checkins: Checkins, session: Session, option_id: str, now: datetime
) -> tuple[Session, Reply]:
    session = _recorded(session, signs=option_id)
    if not checkins.rechecks(option_id):
        session = _at_stage(session, "progress")
        return session, Reply(prompt=_prompt(flow, checkins.progress.id))
    # The warning signs again, from the top, as a new check of the same episode; whatever
    # they find, the person reported a sign, so the outcome is at least recheck_outcome.
    followup = _followup(session).model_copy(
        update={"stage": None, "floor": checkins.recheck_outcome}
    )
    fresh = Session(
        flow_id=flow.id,
        flow_version=flow.version,
        state=checkins.recheck,
        started_at=now,
        updated_at=now,
        followup=followup,
    )
    message = Message(checkins.signs.recheck_text, tone="notice")
    return fresh, Reply(messages=(message,), prompt=compiled(flow).prompt(checkins.recheck, 1))


def _progress_answer(
    flow: Flow, checkins: Checkins, session: Session, option_id: str, now: datetime
) -> tuple[Session, Reply]:
    session = _at_stage(_recorded(session, progress=option_id), None)
    answer = checkins.progress.answer(option_id)
    assert answer is not None, option_id
    if answer.course == "gone":
        text = f"{checkins.progress.gone_text}\n\n{flow.disclaimer}"
        return session, Reply(messages=(Message(text),), ended=True, cancel_checkins=True)
    first = _followup(session).first_check_at
    outcome_id = answer.outcome
    if outcome_id is None and now - first >= timedelta(days=checkins.still_there_days):
        outcome_id = checkins.still_there_outcome
    if outcome_id is not None:
        outcome = flow.outcome(outcome_id)
        assert outcome is not None, outcome_id
        session = session.model_copy(update={"state": outcome.id})
        message = texts.outcome_message(flow, outcome, session)
        return session, Reply(messages=(message,), ended=True, cancel_checkins=True)
    session = _at_stage(session, "offer")
    message = Message(checkins.progress.continue_text)
    return session, Reply(messages=(message,), prompt=_prompt(flow, checkins.offer.id))


def day_name(moment: datetime) -> str:
    """A date as people say it: "Friday 4 December"."""
    return f"{moment:%A} {moment.day} {moment:%B}"


def _followup(session: Session) -> Followup:
    return session.followup or Followup(first_check_at=session.started_at)


def _at_stage(session: Session, stage: str | None) -> Session:
    followup = _followup(session).model_copy(update={"stage": stage})
    return session.model_copy(update={"followup": followup})


def _recorded(session: Session, **answers: str) -> Session:
    followup = _followup(session)
    history = followup.history or (CheckinRecord(asked_at=session.updated_at),)
    last = history[-1].model_copy(update=answers)
    followup = followup.model_copy(update={"history": (*history[:-1], last)})
    return session.model_copy(update={"followup": followup})


def _question(checkins: Checkins, stage: str) -> Question:
    question = checkins.question(getattr(checkins, stage).id)
    assert question is not None, stage
    return question


def _prompt(flow: Flow, question_id: str) -> Prompt:
    question = flow.checkins.question(question_id) if flow.checkins else None
    assert question is not None, question_id
    return texts.question_prompt(flow, question)
