"""``step(flow, session, event, now) -> (session, reply)``: the whole conversation logic.

Pure and synchronous: no I/O, no clock (``now`` is passed in), no channel.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.engine import followup, texts
from bot.engine.command_words import command_word
from bot.engine.confirming import confirmation
from bot.engine.derived import derived_fields
from bot.engine.events import Answer, Back, Event, Restart, ShowSummary, Start
from bot.engine.machine import compiled
from bot.engine.migration import migrate
from bot.engine.reading import Reading
from bot.engine.reply import Answered, Message, Prompt, Reply
from bot.engine.session import Session, worst_of
from bot.engine.summary import summary_message
from bot.flow import SEVERITY_RANK, Flow, Question
from bot.flow.canonical import canonical

_RESUME_WORDS = {
    texts.RESUME_CONTINUE: {"1", "continue", "c", "resume", "carry on", "go on", "yes", "y"},
    texts.RESUME_RESTART: {"2", "restart", "start over", "start again", "new", "again", "over"},
}


def new_session(flow: Flow, now: datetime) -> Session:
    """A fresh session at the flow's first question."""
    return Session(
        flow_id=flow.id, flow_version=flow.version, state=flow.start, started_at=now, updated_at=now
    )


@followup.with_checkins
def step(
    flow: Flow,
    session: Session | None,
    event: Event,
    now: datetime,
    *,
    previous: Flow | None = None,
) -> tuple[Session | None, Reply]:
    """Apply ``event`` to ``session`` (None for a person without one).

    A session on another version of the flow moves to this one first (``previous``, the
    version it was on, when known); a person whose answered questions changed is told in
    one line, and always gets the question they are now on."""
    if session is not None and session.flow_id != flow.id:
        session = None
    if session is None or session.flow_version == flow.version:
        return _step(flow, session, event, now)
    was_at = session.state
    session = migrate(flow, session, now, previous)
    changed = session.migrations[-1].changed
    notice = (Message(texts.flow_updated(len(changed)), tone="notice"),) if changed else ()
    if isinstance(event, Answer) and event.option_id is None and session.state != was_at:
        # Words typed for a question the person is no longer on answer nothing.
        return session, _with_current_prompt(flow, session, notice)
    new, reply = _step(flow, session, event, now)
    if new is None or reply.ended:
        return new, replace(reply, messages=(*notice, *reply.messages))
    if reply.prompt is None:  # e.g. a button of a question that is gone: ask the current one
        current = _with_current_prompt(flow, new, ())
        reply = replace(reply, prompt=current.prompt, ended=current.ended)
    return new, replace(reply, messages=(*notice, *reply.messages))


def _step(
    flow: Flow, session: Session | None, event: Event, now: datetime
) -> tuple[Session | None, Reply]:
    if isinstance(event, Restart) or (
        isinstance(event, Start) and (session is None or session.ended)
    ):
        return _begin(flow, now)
    if session is None:
        if isinstance(event, Answer) and event.question_id == flow.start:
            session = new_session(flow, now)  # e.g. "Yes, let's start" after declining
        elif isinstance(event, Answer) and event.question_id is not None:
            return None, Reply(notice=texts.OLD_BUTTON)  # e.g. after /forget
        elif isinstance(event, Answer):
            return _begin(flow, now)
        else:
            return None, Reply(messages=(Message(texts.NOTHING_YET, tone="notice"),))
    if isinstance(event, Start):
        return _offer_resume(flow, session, now)
    if isinstance(event, ShowSummary):
        return session, _with_current_prompt(
            flow, session, (summary_message(flow, session, event.upcoming),)
        )
    if isinstance(event, Back):
        return _back(flow, session, now)
    return _answer(flow, session, event, now)


def _begin(flow: Flow, now: datetime) -> tuple[Session, Reply]:
    session = new_session(flow, now)
    prompt = compiled(flow).prompt(session.state, 1)
    return session, Reply(messages=(texts.intro_message(flow),), prompt=prompt)


def _current_prompt(flow: Flow, session: Session) -> Prompt | None:
    if session.offer_resume:
        return texts.resume_prompt(flow)
    if session.ended:
        return None
    return compiled(flow).prompt(session.state, len(session.history) + 1)


def _with_current_prompt(flow: Flow, session: Session, messages: tuple[Message, ...]) -> Reply:
    return Reply(
        messages=messages,
        prompt=_current_prompt(flow, session),
        ended=session.ended and not session.offer_resume,
    )


def _offer_resume(flow: Flow, session: Session, now: datetime) -> tuple[Session, Reply]:
    lines = texts.answer_lines(flow, session)
    if not lines:  # nothing worth resuming: show the welcome and the current question
        messages = (texts.intro_message(flow),)
        return session, _with_current_prompt(
            flow, session.model_copy(update={"offer_resume": False}), messages
        )
    body = f"{texts.WELCOME_BACK}\n\nYour answers so far:\n{texts.bullet_list(lines)}"
    if session.worst_red_flag is not None:
        advice = flow.outcome_for(session.worst_red_flag).title
        body += f"\n\n{texts.SIGN_ALREADY_REPORTED.format(advice=advice)}"
    session = session.model_copy(update={"offer_resume": True, "pending": None, "updated_at": now})
    return session, _with_current_prompt(flow, session, (Message(body),))


def _back(flow: Flow, session: Session, now: datetime) -> tuple[Session, Reply]:
    if not session.history:
        resumed = session.model_copy(update={"offer_resume": False})
        notice = Message(texts.NOTHING_TO_GO_BACK_TO, tone="notice")
        return resumed, _with_current_prompt(flow, resumed, (notice,))
    previous = session.history[-1]
    answers = {q: o for q, o in session.answers.items() if q != previous}
    derived = derived_fields(flow, session.history[:-1], answers)
    session = session.model_copy(
        update={
            **derived,
            "state": previous,
            "ended": False,
            "offer_resume": False,
            "pending": None,
            "updated_at": now,
        }
    )
    return session, _with_current_prompt(flow, session, ())


def _answer(flow: Flow, session: Session, event: Answer, now: datetime) -> tuple[Session, Reply]:
    if event.flow_id is not None and event.flow_id != session.flow_id:
        return session, Reply(notice=texts.OLD_BUTTON)
    if session.offer_resume:
        if event.question_id in (None, texts.RESUME_QUESTION):
            return _resume_choice(flow, session, event, now)
        if event.question_id == session.state:  # a button of the pending question still works
            session = session.model_copy(update={"offer_resume": False})
    if event.question_id is not None and (session.ended or event.question_id != session.state):
        return session, Reply(notice=texts.FINISHED if session.ended else texts.OLD_BUTTON)
    if session.ended:
        return session, Reply(messages=(Message(texts.FINISHED, tone="notice"),), ended=True)
    question = flow.question(session.state)
    assert question is not None, session.state
    if event.option_id is not None:
        option_id: str | None = event.option_id
        if question.option(event.option_id) is None:
            return session, Reply(notice=texts.OLD_BUTTON)
    else:
        text = event.text or ""
        reading = _understand(flow, session, question, text, now)
        if reading.asks_again:
            command = command_word(text)
            if command is not None:  # "go back", "start over" typed without the slash
                return step(flow, session.model_copy(update={"pending": None}), command, now)
            return _ask_again(flow, session, question, reading, now)
        if not reading.certain:
            return _read_back(flow, session, question, reading, now)
        option_id = reading.option_id
    return _record(flow, session, question, option_id or "", now)


def _understand(
    flow: Flow, session: Session, question: Question, text: str, now: datetime
) -> Reading:
    """The typed text as an answer; a pending read-back may be confirmed or rejected."""
    reader = compiled(flow).readers[question.id]
    if session.pending is not None and question.option(session.pending) is not None:
        decided = confirmation(reader, session.pending, text, now)
        if decided is not None:
            return decided
    return reader.read(text, now)


def _ask_again(
    flow: Flow, session: Session, question: Question, reading: Reading, now: datetime
) -> tuple[Session, Reply]:
    if session.pending is not None:
        session = session.model_copy(update={"pending": None, "updated_at": now})
    notice = Message(texts.ask_again(question, reading.reason), tone="notice")
    return session, _with_current_prompt(flow, session, (notice,))


def _read_back(
    flow: Flow, session: Session, question: Question, reading: Reading, now: datetime
) -> tuple[Session, Reply]:
    option = question.option(reading.option_id or "")
    assert option is not None, reading
    session = session.model_copy(update={"pending": option.id, "updated_at": now})
    prompt = compiled(flow).prompt(question.id, len(session.history) + 1)
    notice = Message(texts.read_back(option.label), tone="notice")
    return session, Reply(messages=(notice,), prompt=texts.marked(prompt, option.id))


def _record(
    flow: Flow, session: Session, question: Question, option_id: str, now: datetime
) -> tuple[Session | None, Reply]:
    option = question.option(option_id)
    assert option is not None, option_id
    before = session.worst_red_flag
    history = (*session.history, question.id)
    derived = derived_fields(flow, history, {**session.answers, question.id: option.id})
    worst = worst_of(derived["red_flags"])
    dest = compiled(flow).advance(question.id, option.id, worst)
    session = session.model_copy(
        update={
            **derived,
            "state": dest,
            "ended": flow.question(dest) is None,
            "offer_resume": False,
            "pending": None,
            "updated_at": now,
        }
    )
    asked = compiled(flow).prompt(question.id, len(history))
    answered = Answered(asked, option.label)
    if session.ended:
        outcome = flow.outcome(dest)
        assert outcome is not None, dest
        message = texts.outcome_message(flow, outcome, session)
        if outcome.stores_nothing:
            return None, Reply(messages=(message,), answered=answered, ended=True, forget=True)
        return session, Reply(messages=(message,), answered=answered, ended=True)
    messages: tuple[Message, ...] = ()
    if SEVERITY_RANK[worst] > SEVERITY_RANK[before]:
        tier = flow.outcome_for(worst)
        if tier.announce:  # an urgent sign is acted on at once, not only at the end
            messages = (Message(tier.announce, title=tier.title, tone=worst or "info"),)
    prompt = compiled(flow).prompt(dest, len(history) + 1)
    return session, Reply(messages=messages, prompt=prompt, answered=answered)


def _resume_choice(
    flow: Flow, session: Session, event: Answer, now: datetime
) -> tuple[Session, Reply]:
    choice = event.option_id or next(
        (c for c, words in _RESUME_WORDS.items() if canonical(event.text or "") in words), None
    )
    prompt = texts.resume_prompt(flow)
    label = next((c.label for c in prompt.choices if c.id == choice), None)
    if label is None:
        notice = Message(texts.NOT_UNDERSTOOD, tone="notice")
        return session, _with_current_prompt(flow, session, (notice,))
    answered = Answered(prompt, label)
    if choice == texts.RESUME_RESTART:
        session, reply = _begin(flow, now)
        return session, replace(reply, answered=answered)
    session = session.model_copy(update={"offer_resume": False, "updated_at": now})
    reply = _with_current_prompt(flow, session, (Message(texts.RESUMING),))
    return session, replace(reply, answered=answered)
