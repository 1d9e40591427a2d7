"""Loading flow files: every kind of mistake is reported at once with file:line:column."""

from __future__ import annotations

import textwrap

import pytest

from bot.flow import FlowLoadError, check_flow_text, load_flows
from bot.flow.yaml_source import MAX_FLOW_BYTES

GOOD = """\
id: tiny
title: Tiny check
intro: Hello.
disclaimer: This is not medical advice.
safety_net: See a doctor if it lasts.
start: q1
questions:
  - id: q1
    source: art
    prompt: Any warning sign?
    options:
      - {id: "yes", label: "Yes", red_flag: urgent, next: finish}
      - {id: "no", label: "No", next: q2}
      - {id: not_sure, label: Not sure, red_flag: urgent, next: finish}
  - id: q2
    source: art
    prompt: Tired?
    next: finish
    options:
      - {id: "yes", label: "Yes", trigger: tired}
      - {id: "no", label: "No"}
triggers:
  - {id: tired, label: Tiredness, tip: Sleep more., source: art}
outcomes:
  - {id: doctor, red_flag: urgent, title: See a doctor, text: Please see a doctor., source: art}
  - id: care
    source: art
    default: true
    list_triggers: true
    title: Triggers
    text: Some ideas.
    triggers_intro: "These fit:"
    no_triggers_text: None stood out.
sources:
  - {id: art, title: An article}
"""


def errors_of(text: str) -> list[str]:
    flow, errors = check_flow_text(textwrap.dedent(text), "f.yaml")
    assert flow is None, "expected errors"
    return [str(e) for e in errors]


def test_a_good_flow_loads_with_a_content_hash():
    flow, errors = check_flow_text(GOOD, "f.yaml")
    assert errors == [] and flow is not None
    assert len(flow.version) == 12
    same, _ = check_flow_text(GOOD + "\n# a comment changes nothing\n", "f.yaml")
    changed, _ = check_flow_text(GOOD.replace("Tired?", "Tired lately?"), "f.yaml")
    assert same.version == flow.version and changed.version != flow.version


def test_yes_and_no_stay_text():
    flow, _ = check_flow_text(GOOD.replace('"yes"', "yes").replace('"no"', "no"), "f.yaml")
    assert flow.question("q1").option("yes") is not None


def test_unknown_key_suggests_the_right_one_with_its_position():
    out = errors_of(GOOD.replace("    prompt: Tired?", "    promt: Tired?"))
    assert any(
        "f.yaml:17:5: error: unknown key 'promt'" in e and "did you mean 'prompt'" in e for e in out
    )
    assert any("question 'q2' needs 'prompt'" in e for e in out)


def test_undefined_reference_is_located_and_suggests_a_fix():
    out = errors_of(GOOD.replace("next: q2}", "next: q3}"))
    assert any(e.startswith("f.yaml:13:") and "'q3' is not a question or outcome" in e for e in out)


def test_all_problems_are_reported_at_once():
    bad = GOOD.replace("next: q2}", "next: nowhere}").replace("trigger: tired", "trigger: sleepy")
    out = errors_of(bad)
    assert any("'nowhere'" in e for e in out)
    assert any("unknown trigger 'sleepy'" in e for e in out)
    assert any("'q2' can never be reached" in e for e in out)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param("  - id: q2\n", "  - id: q1\n", "duplicate id 'q1'", id="duplicate-ids"),
        pytest.param(
            "    next: finish\n    options:",
            "    options:",
            "option 'yes' of 'q2' leads nowhere",
            id="option-leads-nowhere",
        ),
        pytest.param(
            "    next: finish\n    options:",
            "    next: q1\n    options:",
            "the flow can loop: q1 -> q2 -> q1",
            id="loop",
        ),
        pytest.param(
            "title: Tiny check\n",
            "title: Tiny check\ntitle: Again\n",
            "duplicate key 'title'",
            id="duplicate-keys",
        ),
    ],
)
def test_each_mistake_is_reported(old, new, expected):
    assert any(expected in e for e in errors_of(GOOD.replace(old, new)))


def test_bad_id_and_bad_enum_values():
    out = errors_of(
        GOOD.replace("id: q2", "id: Question Two").replace(
            "red_flag: urgent, next", "red_flag: soon, next"
        )
    )
    assert any("'Question Two' is not a valid id" in e for e in out)
    assert any("'red_flag'" in e and "urgent" in e for e in out)


def test_yaml_syntax_error_has_a_position():
    out = errors_of("id: x\nquestions: [\n  - a\n")
    assert out and out[0].startswith("f.yaml:") and "YAML syntax" in out[0]


def test_aliases_are_refused():
    text = GOOD.replace("  - id: q2\n", "  - &two\n    id: q2\n") + "extra: *two\n"
    out = errors_of(text)
    assert any("aliases" in e for e in out)


def test_python_tags_are_refused():
    out = errors_of(
        GOOD.replace("title: Tiny check", "title: !!python/object/apply:os.system [ls]")
    )
    assert out and "YAML syntax" in out[0]


def test_oversized_files_are_refused():
    out = errors_of(GOOD + "#" * MAX_FLOW_BYTES)
    assert any("larger than" in e for e in out)


def test_a_flow_must_be_a_mapping():
    assert any("mapping" in e for e in errors_of("- just\n- a list\n"))


def test_load_flows_reports_every_file(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD.replace("start: q1", "start: q9"))
    with pytest.raises(FlowLoadError) as caught:
        load_flows(tmp_path)
    text = str(caught.value)
    assert "b.yaml" in text and "start 'q9' is not a question" in text


def test_two_files_with_one_flow_id(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(FlowLoadError, match="used by another file"):
        load_flows(tmp_path)


def test_the_example_in_the_flows_readme_is_valid():
    from tests.conftest import ROOT

    readme = (ROOT / "flows" / "README.md").read_text()
    example = readme.split("## A complete example")[1].split("```yaml\n")[1].split("```")[0]
    flow, errors = check_flow_text(example, "flows/README.md")
    assert errors == [] and flow.id == "eyelid_twitch"
