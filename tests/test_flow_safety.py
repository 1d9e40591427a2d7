"""The flow safety check, and an exhaustive walk of the shipped flow through the engine."""

from __future__ import annotations

from bot.engine import Answer, Start, step
from bot.flow import SEVERITY_RANK
from tests.conftest import NOW
from tests.test_flow_loader import GOOD
from tests.test_flow_loader import errors_of as safety_errors


def test_warning_sign_after_a_trigger_question_is_refused():
    text = GOOD.replace("start: q1", "start: q2").replace(
        '    next: finish\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
        '    next: q1\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
    )
    out = safety_errors(text)
    assert any("warning sign 'q1' can follow a trigger question" in e for e in out)


def test_not_sure_must_count_as_yes():
    out = safety_errors(GOOD.replace("label: Not sure, red_flag: urgent,", "label: Not sure,"))
    assert any("'Not sure' on warning sign 'q1' must count as yes" in e for e in out)


def test_a_path_with_a_red_flag_must_not_end_in_a_milder_outcome():
    out = safety_errors(
        GOOD.replace("red_flag: urgent, next: finish}", "red_flag: urgent, next: care}", 1)
    )
    assert any("a path with red flag 'urgent' ends in outcome 'care': q1=yes" in e for e in out)


def test_reassuring_or_diagnosing_words_are_refused():
    out = safety_errors(
        GOOD.replace("text: Some ideas.", "text: You are fine, nothing to worry about.")
    )
    assert any("text says 'You are fine'" in e for e in out)
    out = safety_errors(GOOD.replace("text: Some ideas.", "text: You have hemifacial spasm."))
    assert any("You have hemifacial spasm" in e for e in out)


def test_the_disclaimer_must_say_not_medical_advice():
    out = safety_errors(GOOD.replace("This is not medical advice.", "Hello."))
    assert any("not medical advice" in e for e in out)


def _walk(flow):
    """Every path through the shipped flow, answering by option id, via the engine."""
    start, _ = step(flow, None, Start(), NOW)
    stack = [start]
    while stack:
        session = stack.pop()
        question = flow.question(session.state)
        for option in question.options:
            after, reply = step(
                flow, session, Answer(option_id=option.id, question_id=question.id), NOW
            )
            if after.ended:
                yield after, reply
            else:
                stack.append(after)


def test_every_path_of_the_shipped_flow_is_safe(flow):
    paths = 0
    for session, reply in _walk(flow):
        paths += 1
        outcome = flow.outcome(session.state)
        worst = session.worst_red_flag
        assert SEVERITY_RANK[outcome.red_flag] >= SEVERITY_RANK[worst], session.answers
        if worst:
            assert outcome.red_flag == worst  # the doctor tier that matches, never milder
        text = reply.messages[0].text.lower()
        assert "not medical advice" in text
        assert "doctor" in text or "emergency" in text
        assert "you are fine" not in text
        warnings = [q for q in session.history if any(o.red_flag for o in flow.question(q).options)]
        triggers = [q for q in session.history if any(o.trigger for o in flow.question(q).options)]
        if warnings and triggers:
            assert session.history.index(warnings[-1]) < session.history.index(triggers[0])
    assert paths > 4000  # all warning-sign combinations and all trigger combinations
