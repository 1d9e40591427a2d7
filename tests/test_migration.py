"""People mid-conversation move to a newly published version of their flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from bot.engine import Answer, Session, ShowSummary, Start, step
from bot.flow import Flow, check_flow_text
from tests.conftest import FLOW_PATH, NOW


def variant(change: Callable[[dict[str, Any]], None]) -> Flow:
    data = yaml.load(FLOW_PATH.read_text(), Loader=yaml.BaseLoader)
    change(data)
    flow, errors = check_flow_text(yaml.safe_dump(data, sort_keys=False), "variant.yaml")
    assert flow is not None, [str(e) for e in errors]
    return flow


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == qid)


def without_drooping(data: dict[str, Any]) -> None:
    data["questions"].remove(question(data, "drooping"))
    question(data, "face_weakness")["next"] = "eye_closing"


def renamed_drooping(keep_map: bool) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        question(data, "drooping")["id"] = "face_droop"
        question(data, "face_weakness")["next"] = "face_droop"
        if keep_map:
            data["renamed"] = {"drooping": "face_droop"}

    return change


def answered(flow: Flow, *steps: tuple[str, str]) -> Session:
    session, _ = step(flow, None, Start(), NOW)
    for qid, option in steps:
        session, _ = step(flow, session, Answer(option_id=option, question_id=qid), NOW)
    return session


FIRST = (("consent", "agree"), ("emergency_signs", "no"), ("face_weakness", "no"))


def test_removing_the_current_question_moves_the_person_on_without_a_notice(flow: Flow):
    session = answered(flow, *FIRST)
    assert session.state == "drooping"
    new_flow = variant(without_drooping)
    # They press a button of the question that is gone: no dead end, the next question comes.
    moved, reply = step(
        new_flow, session, Answer(option_id="no", question_id="drooping"), NOW, previous=flow
    )
    assert moved.state == "eye_closing" and reply.prompt.question_id == "eye_closing"
    assert reply.messages == ()  # nothing they answered changed
    assert moved.answers == dict(FIRST)
    [migration] = moved.migrations
    assert (migration.from_version, migration.to_version) == (flow.version, new_flow.version)
    assert migration.changed == ()


def test_a_renamed_question_keeps_its_answer_through_the_renamed_map(flow: Flow):
    session = answered(flow, *FIRST, ("drooping", "yes"))
    new_flow = variant(renamed_drooping(keep_map=True))
    moved, reply = step(new_flow, session, Start(), NOW, previous=flow)
    assert moved.answers["face_droop"] == "yes" and "drooping" not in moved.answers
    assert moved.red_flags == {"face_droop": "urgent"}
    assert moved.state == "eye_closing"
    assert not any("updated" in m.text for m in reply.messages)


def test_without_the_map_a_renamed_question_is_asked_again_after_one_line(flow: Flow):
    session = answered(flow, *FIRST, ("drooping", "yes"))
    new_flow = variant(renamed_drooping(keep_map=False))
    moved, reply = step(new_flow, session, Answer(text="no"), NOW, previous=flow)
    # "no" typed for eye_closing (which they saw) is not applied to the re-asked question.
    assert moved.state == "face_droop" and "face_droop" not in moved.answers
    notices = [m.text for m in reply.messages if "updated" in m.text]
    assert notices == [
        "This check was updated since your last answer and a question you answered changed: "
        "your other answers are kept, and I ask again where needed."
    ]
    assert reply.prompt.question_id == "face_droop"
    assert moved.migrations[-1].changed == ("drooping",)


def test_a_reworded_answered_question_counts_as_changed(flow: Flow):
    session = answered(flow, *FIRST)
    new_flow = variant(lambda d: question(d, "face_weakness").update(prompt="Is your face weak?"))
    moved, reply = step(new_flow, session, Start(), NOW, previous=flow)
    assert moved.migrations[-1].changed == ("face_weakness",)
    assert moved.answers["face_weakness"] == "no"  # kept: the options did not change
    assert "updated" in reply.messages[0].text


def test_a_finished_check_keeps_its_outcome_and_records_the_move(flow: Flow):
    session = answered(flow, ("consent", "agree"), ("emergency_signs", "yes"))
    assert session.ended
    new_flow = variant(renamed_drooping(keep_map=True))
    moved, reply = step(new_flow, session, ShowSummary(), NOW)
    assert moved.state == session.state and reply.ended
    assert len(session.migrations) == 0 and moved.migrations[0].to_version == new_flow.version


def test_a_renamed_map_must_name_a_question_that_exists():
    data = yaml.load(FLOW_PATH.read_text(), Loader=yaml.BaseLoader)
    data["renamed"] = {"drooping_old": "face_drop"}
    text = yaml.safe_dump(data, sort_keys=False)
    flow, errors = check_flow_text(text, "variant.yaml")
    assert flow is None
    [error] = errors
    assert "renamed: 'drooping_old' -> 'face_drop': no question 'face_drop'" in str(error)
    assert error.line == text.splitlines().index("  drooping_old: face_drop") + 1
