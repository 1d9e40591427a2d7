"""The summary of a check, to show a doctor: dated, in plain words, as data and as text.

``check_summary`` gathers it (pure: the flow and the session only); the chat shows it with
``summary_message`` and other channels render it their own way (a PDF, for example).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.reply import Message
from bot.engine.session import Session
from bot.flow import Flow, Question

MEDICINE_TRIGGER = "medication"


@dataclass(frozen=True)
class SummarySection:
    """Answers of one section of the flow, as (question, answer) pairs."""

    title: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CheckSummary:
    """Everything a summary says; ``checkins`` are lines of the follow-up history."""

    flow_title: str
    flow_version: str
    started_at: datetime
    updated_at: datetime
    outcome: str | None  # None while the check is not finished
    warning_signs: tuple[tuple[str, str, bool], ...]  # question, answer, is a warning sign
    duration: str | None
    triggers: tuple[str, ...]
    triggers_asked: bool
    medicines: str | None
    sections: tuple[SummarySection, ...]
    disclaimer: str
    checkins: tuple[str, ...] = ()


def check_summary(
    flow: Flow, session: Session, upcoming: tuple[datetime, ...] = ()
) -> CheckSummary:
    """The summary of the person's latest check; ``upcoming``: its scheduled check-ins."""
    asked = list(_answered(flow, session))
    outcome = flow.outcome(session.state) if session.ended else None
    signs = tuple(
        (q.summary_label, o.label, o.red_flag is not None)
        for q, o in asked
        if q.reads != "duration" and any(opt.red_flag for opt in q.options)
    )
    duration = next((o.label for q, o in asked if q.reads == "duration"), None)
    medicines = next(
        (o.label for q, o in asked if any(x.trigger == MEDICINE_TRIGGER for x in q.options)),
        None,
    )
    triggers = tuple(t.label for t in (flow.trigger(t) for t in session.triggers) if t)
    sections = tuple(
        SummarySection(s.title, pairs)
        for s in flow.sections
        if (pairs := tuple((q.summary_label, o.label) for q, o in asked if q.section == s.id))
    )
    return CheckSummary(
        flow_title=flow.title,
        flow_version=session.flow_version,
        started_at=session.started_at,
        updated_at=session.updated_at,
        outcome=outcome.title if outcome else None,
        warning_signs=signs,
        duration=duration,
        triggers=triggers,
        triggers_asked=any(any(x.trigger for x in q.options) for q, _ in asked),
        medicines=medicines,
        sections=sections,
        disclaimer=flow.disclaimer.strip(),
        checkins=_checkin_lines(flow, session, upcoming),
    )


def _checkin_lines(flow: Flow, session: Session, upcoming: tuple[datetime, ...]) -> tuple[str, ...]:
    """Each check-in asked, with its answers in words, then the ones still to come."""
    lines = []
    asked = session.followup.history if session.followup is not None else ()
    for record in asked:
        answers = []
        if flow.checkins is not None and record.signs is not None:
            signs = next((o for o in flow.checkins.signs.options if o.id == record.signs), None)
            answers.append(f"new warning sign: {signs.label if signs else record.signs}")
        if flow.checkins is not None and record.progress is not None:
            options = flow.checkins.progress.options
            course = next((o for o in options if o.id == record.progress), None)
            answers.append(f"twitching: {course.label if course else record.progress}")
        lines.append(f"{plain_date(record.asked_at)}: " + ("; ".join(answers) or "not answered"))
    lines.extend(f"next check-in due {plain_date(due)}" for due in upcoming)
    return tuple(lines)


def _answered(flow: Flow, session: Session):
    for qid in session.history:
        question: Question | None = flow.question(qid)
        option = question.option(session.answers.get(qid, "")) if question else None
        if question is not None and option is not None and question.section is not None:
            yield question, option


def plain_date(moment: datetime) -> str:
    """A date and time to read aloud: '26 November 2026, 09:30 UTC'."""
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def overview_lines(summary: CheckSummary) -> list[str]:
    """The short part of a summary: when, the result, how long, triggers, medicines."""
    lines = [
        f"Check started {plain_date(summary.started_at)}; "
        f"last updated {plain_date(summary.updated_at)}.",
        f"Result: {summary.outcome or 'not finished yet.'}",
    ]
    if summary.duration:
        lines.append(f"How long it has lasted: {summary.duration}")
    if summary.triggers:
        lines.append("Triggers reported: " + ", ".join(summary.triggers))
    elif summary.triggers_asked:
        lines.append("Triggers reported: none")
    if summary.medicines:
        lines.append(f"New medicine or dose: {summary.medicines}")
    lines.append(
        "Follow-up check-ins: " + ("; ".join(summary.checkins) if summary.checkins else "none")
    )
    return lines


def summary_message(flow: Flow, session: Session, upcoming: tuple[datetime, ...] = ()) -> Message:
    """The summary as a chat message: overview, answers by section, disclaimer."""
    summary = check_summary(flow, session, upcoming)
    parts = ["\n".join(overview_lines(summary))]
    for section in summary.sections:
        lines = "\n".join(f"• {question}: {answer}" for question, answer in section.answers)
        parts.append(f"{section.title}:\n{lines}")
    if not summary.sections:
        parts.append("No health questions answered yet.")
    parts.append(summary.disclaimer)
    return Message(text="\n\n".join(parts), title=f"Summary: {flow.title}", tone="summary")
