"""``python -m bot graph``: the flow as a diagram, and the one in flows/README.md is current."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from bot.flow import Flow
from bot.flow.graph import to_mermaid
from tests.conftest import ROOT


def test_the_diagram_shows_questions_answers_and_outcomes_by_urgency(flow: Flow):
    text = to_mermaid(flow)
    assert text.startswith("---\nNostril twitch check\n---\nstateDiagram-v2")
    assert 'state "Part of the face drooping" as drooping' in text
    assert "drooping --> eye_closing: Yes ⚠ urgent | No | Not sure ⚠ urgent" in text
    assert "emergency_signs --> face_weakness: No\n" in text
    assert "emergency_signs --> finish: Yes ⚠ emergency | Not sure ⚠ emergency" in text
    assert "Class emergency s_emergency" in text and "Class self_care s_self_care" in text
    assert "finish --> see_doctor_soon: worst sign urgent" in text
    assert "[*] --> consent" in text
    for question in flow.questions:
        assert f" as {question.id}\n" in text


def test_the_diagram_in_the_flows_readme_is_current(flow: Flow):
    readme = (ROOT / "flows" / "README.md").read_text("utf-8")
    shown = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert shown, "flows/README.md has no mermaid diagram"
    assert shown.group(1) == to_mermaid(flow), (
        "the diagram in flows/README.md is out of date: paste the output of "
        "`python -m bot graph nostril_twitch` there"
    )


def test_svg_without_graphviz_says_what_to_install(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no `dot` on this PATH
    done = subprocess.run(
        [sys.executable, "-m", "bot", "graph", "--format", "svg"],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: svg needs Graphviz: install it (e.g. apt-get install graphviz), or use "
        "--format mermaid"
    ]
