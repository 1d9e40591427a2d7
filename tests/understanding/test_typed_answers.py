"""A table of real wordings over the shipped flow: each typed answer is recorded, read
back or asked again as a careful triage nurse would accept, and a warning sign is never
recorded as a milder answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.engine.reading import Reading
from bot.engine.understanding import QuestionReader
from bot.flow import SEVERITY_RANK, Flow

NOW = datetime(2026, 11, 27, tzinfo=UTC)
HERE = Path(__file__).parent
CASES = [
    case
    for table in ("typed_answers.yaml", "blind_answers.yaml")
    for case in yaml.safe_load((HERE / table).read_text("utf-8"))
]


def outcome(reading: Reading) -> str:
    """A reading as the table writes it: ``id`` recorded, ``~id`` read back, ``ask``."""
    if reading.option_id is None:
        return "ask"
    return reading.option_id if reading.certain else f"~{reading.option_id}"


def test_the_table_covers_every_question_with_hundreds_of_wordings(flow: Flow):
    asked = {case["q"] for case in CASES}
    assert asked == {q.id for q in flow.questions}
    assert len(CASES) >= 1000


@pytest.mark.parametrize("case", CASES, ids=[f"{c['q']}:{c['say'][:40]}" for c in CASES])
def test_typed_answer(flow: Flow, case: dict):
    question = flow.question(case["q"])
    got = outcome(QuestionReader(question).read(case["say"], NOW))
    assert got in case["expect"].split("|"), f"{case['say']!r} -> {got}"


def test_no_wording_in_the_table_records_a_warning_sign_as_milder(flow: Flow):
    """Independent of each case's expectation: where the table allows the sign (or asking
    again), the reader never records an answer milder than every allowed one."""
    for case in CASES:
        question = flow.question(case["q"])
        rank = {o.id: SEVERITY_RANK[o.red_flag] for o in question.options}
        allowed = [a.lstrip("~") for a in case["expect"].split("|") if a != "ask"]
        reading = QuestionReader(question).read(case["say"], NOW)
        if reading.certain and allowed and reading.option_id:
            assert rank[reading.option_id] >= min(rank[a] for a in allowed), case
