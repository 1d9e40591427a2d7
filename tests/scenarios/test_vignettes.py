"""The patient stories of the shipped flow (flows/tests/): outcome tier and tips for each,
no under-triage, and every answer of the flow exercised."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flow import Flow
from bot.scenarios import load_scenarios, run_scenario
from bot.scenarios.coverage import uncovered
from bot.scenarios.runner import triage_gap
from tests.conftest import FLOW_PATH, ROOT

FILES = [load_scenarios(p) for p in sorted((ROOT / "flows" / "tests").glob("nostril_twitch*.yaml"))]
ALL = [story for file in FILES for story in file.scenarios]


def test_there_are_stories_for_every_tier(flow: Flow):
    assert {file.flow for file in FILES} == {flow.id} and len(ALL) >= 40
    tiers = {flow.outcome(s.expect).red_flag for s in ALL}
    assert tiers == {None, "routine", "urgent", "emergency"}


@pytest.mark.parametrize("story", ALL, ids=[s.name for s in ALL])
def test_story(flow: Flow, story):
    result = run_scenario(flow, story)
    assert result.passed, result.problems


def test_no_story_is_under_triaged_and_every_answer_is_exercised(flow: Flow):
    results = [run_scenario(flow, story) for story in ALL]
    assert [r.scenario.name for r in results if triage_gap(flow, r) < 0] == []
    assert uncovered(flow, FLOW_PATH, results) == []


def _typed_drooping_story(flow: Flow, tmp_path: Path, say: str):
    """The result of one story that types ``say`` to the drooping question, meaning yes."""
    story = tmp_path / "stories.yaml"
    story.write_text(
        "flow: nostril_twitch\nscenarios:\n"
        "  - name: typed, meant as yes\n"
        "    answers:\n"
        f"      drooping: {{say: {say!r}, means: 'yes'}}\n"
        "    expect: see_doctor_soon\n",
        encoding="utf-8",
    )
    (result,) = [run_scenario(flow, s) for s in load_scenarios(story).scenarios]
    return result


def test_a_misread_typed_answer_fails_its_story(flow: Flow, tmp_path: Path):
    result = _typed_drooping_story(flow, tmp_path, "no")
    assert not result.passed
    assert "misread drooping: meant yes, recorded no" in result.problems
    assert any("UNDER-TRIAGE" in p for p in result.problems)


def test_a_sign_read_back_as_the_milder_answer_fails_its_story(flow: Flow, tmp_path: Path):
    # "no, I'm fine" is read back as No: said by someone who means yes, a careless
    # confirmation would record the milder answer, so the story fails even though the
    # simulated person taps the right answer.
    result = _typed_drooping_story(flow, tmp_path, "no, I'm fine")
    assert result.outcome == "see_doctor_soon"
    assert "misread drooping: meant yes, read back the milder no" in result.problems


def test_a_check_in_story_with_the_wrong_ending_fails(flow: Flow, tmp_path: Path):
    story = tmp_path / "stories.yaml"
    story.write_text(
        "flow: nostril_twitch\nscenarios:\n"
        "  - name: still there two weeks later, expected closed\n"
        "    expect: self_care\n"
        "    checkin: {offer: two_weeks, signs: 'no', progress: same, expect: closed}\n",
        encoding="utf-8",
    )
    (result,) = [run_scenario(flow, s) for s in load_scenarios(story).scenarios]
    assert result.problems == ["check-in ended in 'book_appointment', expected 'closed'"]
