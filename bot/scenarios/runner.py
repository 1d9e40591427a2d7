"""Run a scenario through the engine as a person would, tapping or typing.

When the bot reads typed words back, the simulated person confirms if it understood
what they meant, and taps what they meant otherwise; when it asks again, they tap.
Every answer the bot recorded other than the one meant is a misreading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.engine import Answer, Session, Start, compiled, step
from bot.flow import SEVERITY_RANK, Flow
from bot.scenarios.checkin_runner import milder_read_back, run_checkin
from bot.scenarios.model import Scenario, Tap, Typed

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
MAX_STEPS = 200


@dataclass
class Result:
    """What happened when a scenario ran."""

    scenario: Scenario
    outcome: str | None = None
    triggers: tuple[str, ...] = ()
    asked: list[str] = field(default_factory=list)
    read_backs: int = 0
    asked_again: int = 0
    misread: list[str] = field(default_factory=list)  # "question: meant -> recorded"
    chosen: set[tuple[str, str]] = field(default_factory=set)  # (question, option) recorded
    problems: list[str] = field(default_factory=list)
    checkin: str | None = None  # how the story's check-in ended

    @property
    def passed(self) -> bool:
        """Whether the scenario met every expectation."""
        return not self.problems


def run_scenario(flow: Flow, scenario: Scenario, now: datetime = NOW) -> Result:
    """Run ``scenario`` on ``flow`` and check its expectations."""
    result = Result(scenario)
    session, _ = step(flow, None, Start(), now)
    for _ in range(MAX_STEPS):
        if session is None or session.ended:
            break
        session = _answer_one(flow, session, scenario, result, now)
    else:
        result.problems.append(f"did not finish within {MAX_STEPS} steps")
    if session is not None and session.ended:
        result.outcome, result.triggers = session.state, session.triggers
    _check(flow, scenario, result)
    if scenario.checkin is not None and session is not None and session.ended:
        run_checkin(flow, session, scenario.checkin, result, now, _answer_one)
    return result


def _answer_one(
    flow: Flow, session: Session, scenario: Scenario, result: Result, now: datetime
) -> Session | None:
    question = flow.question(session.state)
    assert question is not None, session.state
    result.asked.append(question.id)
    planned = scenario.answer_for(question.id) or Tap(tap=question.mildest)
    meant = planned.means if isinstance(planned, Typed) else planned.tap
    if question.option(meant) is None:
        result.problems.append(f"'{question.id}' has no answer '{meant}'")
        meant = question.mildest
    tap = Answer(option_id=meant, question_id=question.id, flow_id=flow.id)
    after, _ = step(flow, session, tap if isinstance(planned, Tap) else Answer(planned.say), now)
    if after is not None and not after.ended and after.state == question.id:
        if after.pending is not None:
            result.read_backs += 1
            result.misread.extend(filter(None, [milder_read_back(question, after.pending, meant)]))
            confirm = Answer(text="correct") if after.pending == meant else tap
            after, _ = step(flow, after, confirm, now)
        else:
            result.asked_again += 1
            after, _ = step(flow, after, tap, now)
    recorded = after.answers.get(question.id) if after is not None else meant
    if after is None:  # an outcome that keeps nothing (declining consent)
        result.outcome = compiled(flow).advance(question.id, meant, session.worst_red_flag)
    if recorded is not None:
        result.chosen.add((question.id, recorded))
    if recorded is not None and recorded != meant:
        result.misread.append(f"{question.id}: meant {meant}, recorded {recorded}")
    return after


def _check(flow: Flow, scenario: Scenario, result: Result) -> None:
    expected = flow.outcome(scenario.expect)
    if expected is None:
        result.problems.append(f"expected outcome '{scenario.expect}' is not in the flow")
        return
    got = flow.outcome(result.outcome or "")
    if result.outcome != scenario.expect:
        result.problems.append(f"ended in '{result.outcome}', expected '{scenario.expect}'")
    if got is not None and SEVERITY_RANK[got.red_flag] < SEVERITY_RANK[expected.red_flag]:
        result.problems.append("UNDER-TRIAGE: the outcome is less urgent than expected")
    unasked = sorted(set(scenario.answers) - set(result.asked))
    if unasked:
        result.problems.append(f"never asked: {', '.join(unasked)}")
    if scenario.tips is not None and set(scenario.tips) != set(result.triggers):
        found = ", ".join(result.triggers) or "none"
        result.problems.append(f"tips for {found}, expected {', '.join(scenario.tips) or 'none'}")
    result.problems.extend(f"misread {m}" for m in result.misread)


def triage_gap(flow: Flow, result: Result) -> int:
    """How many tiers more urgent (+) or less urgent (-) the outcome was than expected; of
    a story's two outcomes (the check and its check-in), an under-triage counts first."""
    gaps = [_gap(flow, result.outcome, result.scenario.expect)]
    story = result.scenario.checkin
    if story is not None:
        gaps.append(_gap(flow, result.checkin, story.expect))
    return min(gaps) if min(gaps) < 0 else max(gaps)


def _gap(flow: Flow, got_id: str | None, expected_id: str) -> int:
    got, expected = flow.outcome(got_id or ""), flow.outcome(expected_id)
    if got is None or expected is None:
        return 0
    return SEVERITY_RANK[got.red_flag] - SEVERITY_RANK[expected.red_flag]
