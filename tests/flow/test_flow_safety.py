"""The flow safety check, and an exhaustive walk of the shipped flow through the engine."""

from __future__ import annotations

import pytest

from bot.flow import SEVERITY_RANK
from tests.conftest import tap_every_path
from tests.flow.test_flow_loader import GOOD
from tests.flow.test_flow_loader import errors_of as safety_errors


def test_warning_sign_after_a_trigger_question_is_refused():
    text = GOOD.replace("start: q1", "start: q2").replace(
        '    next: finish\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
        '    next: q1\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
    )
    out = safety_errors(text)
    assert any("warning sign 'q1' can follow a trigger question" in e for e in out)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "label: Not sure, red_flag: urgent,",
            "label: Not sure,",
            "'Not sure' on warning sign 'q1' must count as yes",
            id="not-sure-counts-as-yes",
        ),
        pytest.param(
            "red_flag: urgent, next: finish}",
            "red_flag: urgent, next: care}",
            "a path with red flag 'urgent' ends in outcome 'care': q1=yes",
            id="no-milder-outcome-after-a-red-flag",
        ),
        pytest.param(
            "text: Some ideas.",
            "text: You are fine, nothing to worry about.",
            "text says 'You are fine'",
            id="no-reassurance",
        ),
        pytest.param(
            "text: Some ideas.",
            "text: You have hemifacial spasm.",
            "You have hemifacial spasm",
            id="no-diagnosis",
        ),
        pytest.param(
            "This is not medical advice.", "Hello.", "not medical advice", id="disclaimer"
        ),
        pytest.param(
            '      - {id: "yes", label: "Yes", red_flag: urgent, next: finish}\n',
            "",
            "warning sign 'q1' has no answer that reports it",
            id="the-sign-can-be-reported",
        ),
        pytest.param(
            '{id: "no", label: "No", next: q2}',
            '{id: "no", label: "No", next: q2, synonyms: ["can\'t close it"]}',
            "'can't close it' may describe the sign, so it cannot mean 'No'",
            id="milder-synonyms-never-describe-the-sign",
        ),
        pytest.param(
            '{id: "no", label: "No", next: q2}',
            '{id: "no", label: "No", next: q2, unobserved: true}',
            "'unobserved' is allowed only on routine signs, not on 'q1'",
            id="unobserved-only-on-routine-signs",
        ),
        pytest.param(
            "safety_net: See a doctor if it lasts.\n",
            "",
            "outcome 'doctor' needs a safety_net",
            id="safety-net-for-doctor-outcomes",
        ),
        pytest.param(
            "  - id: q2\n    source: art",
            "  - id: q2\n    source: blog",
            "unknown source 'blog'",
            id="every-text-names-a-known-source",
        ),
    ],
)
def test_each_health_rule_is_enforced(old, new, expected):
    assert any(expected in e for e in safety_errors(GOOD.replace(old, new, 1)))


def test_every_path_of_the_shipped_flow_is_safe(flow):
    endings = set()
    for session, reply in tap_every_path(flow, merge_equal_states=True):
        endings.add((session.state, frozenset(session.triggers)) if session else None)
        if session is None:  # declined consent: nothing kept, nothing medical said
            assert reply.forget
            continue
        outcome = flow.outcome(session.state)
        worst = session.worst_red_flag
        assert SEVERITY_RANK[outcome.red_flag] >= SEVERITY_RANK[worst], session.answers
        if worst:
            assert outcome.red_flag == worst  # the doctor tier that matches, never milder
        text = reply.messages[0].text.lower()
        assert "not medical advice" in text
        assert "doctor" in text or "emergency" in text
        assert "you are fine" not in text
        if outcome.red_flag != "emergency":
            assert "two weeks" in text or "today" in text  # a safety net with a time frame
            for trigger in session.triggers:  # advice on every path but the emergency one
                assert flow.trigger(trigger).tip.lower()[:40] in text
        warnings = [q for q in session.history if any(o.red_flag for o in flow.question(q).options)]
        triggers = [q for q in session.history if any(o.trigger for o in flow.question(q).options)]
        if warnings and triggers:
            assert session.history.index(warnings[-1]) < session.history.index(triggers[0])
        if worst in ("urgent", "routine"):
            assert triggers, "trigger questions are asked on doctor paths too"
    # Every outcome is reached, and each doctor or self-care outcome with every mix of tips.
    mixes = 2 ** len(flow.triggers)
    assert len(endings) == 1 + 1 + 3 * mixes  # declined, emergency, three tiers x mixes
