"""Hostile or mistaken flow files: a located error that says what to do, never a traceback;
one error per cause; fuzzed with Hypothesis."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.flow import check_flow_file, check_flow_text
from tests.conftest import FLOW_PATH
from tests.flow.test_flow_loader import GOOD

SHIPPED = FLOW_PATH.read_text("utf-8")


def _chain(length: int) -> str:
    head = (
        "id: chain\ntitle: C\nintro: I\ndisclaimer: not medical advice\nsafety_net: s\n"
        "start: q0\nsources: [{id: a, title: A}]\nquestions:\n"
    )
    targets = [f"q{i}" for i in range(1, length)] + ["finish"]
    lines = [
        f"  - {{id: q{i}, source: a, prompt: P, next: {target},"
        " options: [{id: a, label: A}, {id: b, label: B}]}"
        for i, target in enumerate(targets)
    ]
    return (
        head
        + "\n".join(lines)
        + "\noutcomes:\n  - {id: o, default: true, title: T, text: X, source: a}\n"
    )


HOSTILE = {
    "nested 400 deep": ("a: " + "[" * 400 + "]" * 400, "nested too deeply"),
    "a NUL byte": (GOOD.replace("Tired?", "Tir\x00ed?"), "control character U+0000"),
    "a bell character": (GOOD.replace("Tired?", "Tir\x07ed?"), "control character U+0007"),
    "next: []": (GOOD.replace("next: q2}", "next: []}"), "an empty list of rules leads nowhere"),
    "a conditional last rule": (
        GOOD.replace("next: q2}", "next: [{if_red_flag: any, go: q2}]}"),
        "the last rule has a condition",
    ),
    "a bad indentation": (GOOD.replace("    prompt: Tired?", "   prompt: Tired?"), "indentation"),
    "one option": (
        GOOD.replace('      - {id: "yes", label: "Yes", trigger: tired}\n', ""),
        "question 'q2' needs at least 2 options",
    ),
    "a made-up severity": (
        GOOD.replace("red_flag: urgent, next: finish}", "red_flag: severe, next: finish}", 1),
        "'red_flag' of option 'yes' of question 'q1' must be 'emergency', 'urgent' or 'routine'",
    ),
    "a number as a label": (
        GOOD.replace('label: "No", next: q2}', "label: 7, next: q2}"),
        "'label' of option 'no' of question 'q1' must be text",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_gets_a_located_error(name):
    text, expected = HOSTILE[name]
    flow, errors = check_flow_text(text, "f.yaml")
    assert flow is None and errors
    assert any(expected in str(e) for e in errors), [str(e) for e in errors]
    assert all(e.line >= 1 and e.column >= 1 for e in errors)


def test_a_chain_of_a_thousand_questions_loads():
    flow, errors = check_flow_text(_chain(1200), "f.yaml")
    assert errors == [] and len(flow.questions) == 1200


def test_a_wrong_next_is_one_error_with_its_consequence_as_a_note():
    (error,) = check_flow_text(GOOD.replace("next: q2}", "next: stress}"), "f.yaml")[1]
    assert error.message == "'stress' is not a question or outcome"
    assert "'q2' can never be reached" in error.hint
    assert "did you mean" not in error.hint  # 'stress' is nothing like 'q1' or 'q2'


def test_did_you_mean_only_for_a_similar_name():
    (error,) = check_flow_text(GOOD.replace("next: q2}", "next: q22}"), "f.yaml")[1]
    assert "did you mean 'q2'?" in error.hint


def test_a_loop_is_reported_once():
    text = GOOD.replace(
        '    next: finish\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
        '    next: q1\n    options:\n      - {id: "yes", label: "Yes", trigger: tired}',
    )
    loops = [e for e in check_flow_text(text, "f.yaml")[1] if "can loop" in e.message]
    assert len(loops) == 1


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "flow.yaml"
    os.mkfifo(fifo)
    done = []
    worker = threading.Thread(target=lambda: done.append(check_flow_file(fifo)), daemon=True)
    worker.start()
    worker.join(5)
    assert done, "validate hung on a FIFO"
    assert "not a regular file" in done[0][1][0].message


FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=400))
def test_any_text_gives_a_flow_or_located_errors(text):
    flow, errors = check_flow_text(text, "f.yaml")
    assert (flow is None) == bool(errors)
    assert all(e.line >= 1 and e.column >= 1 and e.message for e in errors)


@FUZZ
@given(st.data())
def test_any_edit_of_the_shipped_flow_gives_a_flow_or_located_errors(data):
    lines = SHIPPED.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "garble"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "indent":
            lines[at] = " " + lines[at]
        elif edit == "dedent":
            lines[at] = lines[at][1:]
        else:
            lines[at] = data.draw(st.text(max_size=30))
    flow, errors = check_flow_text("\n".join(lines), "f.yaml")
    assert (flow is None) == bool(errors)
    assert all(e.line >= 1 and e.column >= 1 and e.message for e in errors)
