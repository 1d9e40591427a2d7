"""Run a story's follow-up check-in through the engine: the offer, then (moved ``after_days``
ahead) the check-in's questions, and the warning-sign questions again if it rechecks."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.engine import Answer, CheckinDue, Reply, Session, step
from bot.flow import SEVERITY_RANK, Flow, Question
from bot.scenarios.model import CLOSED, DECLINED, OFFERED, CheckinStory, Tap, Typed

MAX_STEPS = 200


def run_checkin(
    flow: Flow, session: Session, story: CheckinStory, result, now: datetime, answer_one
) -> None:
    """Play ``story`` from a session that ended with the check-in offer; fill ``result``."""
    checkins = flow.checkins
    if checkins is None or session.followup is None or session.followup.stage != "offer":
        result.problems.append("check-in: no check-in was offered")
        return
    offer = checkins.question(checkins.offer.id)
    session, reply = _answer(flow, session, offer, story.offer, result, now)
    days = checkins.offer_days(_chosen(result, checkins.offer.id) or "")
    if days is None:
        _expect(result, story.expect, DECLINED)
        return
    now += timedelta(days=story.after_days if story.after_days is not None else days)
    session, reply = step(flow, session, CheckinDue(), now)
    signs_question = checkins.question(checkins.signs.id)
    signs = story.signs or Tap(tap=signs_question.mildest)
    session, reply = _answer(flow, session, signs_question, signs, result, now)
    if session.followup is not None and session.followup.stage == "progress":
        progress = story.progress or Tap(tap=checkins.progress.options[0].id)
        question = checkins.question(checkins.progress.id)
        session, reply = _answer(flow, session, question, progress, result, now)
    else:  # the warning-sign questions again
        for _ in range(MAX_STEPS):
            if session is None or session.ended:
                break
            session = answer_one(flow, session, story, result, now)
        ended = session is not None and session.ended
        _expect(result, story.expect, session.state if ended else "unfinished")
        return
    _expect(result, story.expect, _ending(flow, session, reply))


def _chosen(result, question_id: str) -> str | None:
    return next((o for q, o in result.chosen if q == question_id), None)


def _ending(flow: Flow, session: Session | None, reply: Reply) -> str:
    if session is None:
        return "nothing"
    if (
        reply.prompt is not None
        and flow.checkins
        and reply.prompt.question_id == flow.checkins.offer.id
    ):
        return OFFERED
    if (
        session.ended
        and flow.outcome(session.state) is not None
        and reply.messages
        and reply.messages[0].title
    ):
        return session.state
    return CLOSED if reply.cancel_checkins else "unfinished"


def _expect(result, expected: str, got: str) -> None:
    result.checkin = got
    if got != expected:
        result.problems.append(f"check-in ended in '{got}', expected '{expected}'")


def milder_read_back(question: Question, pending: str, meant: str) -> str | None:
    """A problem when words meant as a sign were read back as a milder answer: a person
    who confirms without reading closely would have it recorded."""
    rank = {o.id: SEVERITY_RANK[o.red_flag] for o in question.options}
    if rank.get(pending, 0) < rank.get(meant, 0):
        return f"{question.id}: meant {meant}, read back the milder {pending}"
    return None


def _answer(flow: Flow, session: Session, question: Question | None, planned, result, now):
    """Tap, or type and confirm a read-back / tap when asked again; record the choice."""
    assert question is not None
    meant = planned.means if isinstance(planned, Typed) else planned.tap
    if question.option(meant) is None:
        result.problems.append(f"'{question.id}' has no answer '{meant}'")
        meant = question.mildest
    tap = Answer(option_id=meant, question_id=question.id, flow_id=flow.id)
    after, reply = step(
        flow, session, tap if isinstance(planned, Tap) else Answer(planned.say), now
    )
    if (
        isinstance(planned, Typed)
        and reply.prompt is not None
        and reply.prompt.question_id == question.id
    ):
        if after is not None and after.pending is not None:
            result.read_backs += 1
            misled = milder_read_back(question, after.pending, meant)
            if misled:
                result.misread.append(misled)
                result.problems.append(f"misread {misled}")
            confirm = Answer(text="correct") if after.pending == meant else tap
        else:
            result.asked_again += 1
            confirm = tap
        after, reply = step(flow, after, confirm, now)
    recorded = reply.answered.prompt.question_id == question.id if reply.answered else False
    if recorded:
        chosen = next(
            c.id for c in reply.answered.prompt.choices if c.label == reply.answered.choice
        )
        result.chosen.add((question.id, chosen))
        if chosen != meant:
            result.misread.append(f"{question.id}: meant {meant}, recorded {chosen}")
            result.problems.append(f"misread {question.id}: meant {meant}, recorded {chosen}")
    return after, reply
