"""The outcome diff: every answer path of two versions, less urgent advice first."""

from __future__ import annotations

import subprocess
import sys

from bot.flow import Flow, check_flow_text
from bot.publish import diff_flows
from tests.conftest import FLOW_PATH, ROOT, tap_every_path
from tests.flow.test_flow_loader import GOOD

SHIPPED = FLOW_PATH.read_text("utf-8")


def _edited(old: str, new: str, section: str = "") -> Flow:
    """The shipped flow with one edit (inside ``section``'s question when given)."""
    text = SHIPPED
    if section:
        start = text.index(f"  - id: {section}\n")
        end = text.index("\n  - id: ", start + 1)
        text = text[:start] + text[start:end].replace(old, new) + text[end:]
    else:
        text = text.replace(old, new)
    flow, errors = check_flow_text(text, "edited.yaml")
    assert flow is not None, errors
    return flow


def test_the_same_flow_changes_nothing(flow: Flow):
    diff = diff_flows(flow, flow)
    assert diff.changes == [] and diff.texts == []
    assert diff.same == diff.total_paths > 1_000_000_000  # billions of paths, counted


def test_paths_are_counted_exactly():
    small, _ = check_flow_text(GOOD, "f.yaml")
    assert diff_flows(small, small).total_paths == len(list(tap_every_path(small))) == 4


def test_a_sign_made_less_urgent_is_flagged_with_an_example(flow: Flow):
    edited = _edited("red_flag: urgent", "red_flag: routine", section="drooping")
    diff = diff_flows(flow, edited)
    less = {(c.old, c.new): c for c in diff.less_urgent}
    assert set(less) == {
        ("see_doctor_soon", "book_appointment"),
        ("emergency", "book_appointment"),  # sudden onset is only asked after urgent signs
    }
    example = less[("see_doctor_soon", "book_appointment")].example
    assert "drooping=not_sure" in example or "drooping=yes" in example
    assert diff.changes[: len(less)] == list(less.values())  # less urgent first


def test_a_sign_made_more_urgent_is_a_change_but_not_less_urgent(flow: Flow):
    edited = _edited("red_flag: routine", "red_flag: urgent", section="body_twitching")
    diff = diff_flows(flow, edited)
    assert diff.changes and not diff.less_urgent
    assert ("book_appointment", "see_doctor_soon") in {(c.old, c.new) for c in diff.changes}


def test_text_only_changes_are_listed_by_id(flow: Flow):
    edited = _edited("Has any part of your face", "Has a part of your face")
    diff = diff_flows(flow, edited)
    assert diff.changes == [] and diff.texts == ["question 'drooping': prompt changed"]


def test_the_command_exits_non_zero_on_less_urgent_advice_unless_accepted(tmp_path):
    start = SHIPPED.index("  - id: drooping\n")
    end = SHIPPED.index("\n  - id: ", start + 1)
    edited = SHIPPED[:start] + SHIPPED[start:end].replace("urgent", "routine") + SHIPPED[end:]
    (tmp_path / "new.yaml").write_text(edited, "utf-8")

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", "diff", "HEAD:flows/nostril_twitch.yaml", *extra],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip

    refused = run(str(tmp_path / "new.yaml"))
    assert refused.returncode == 1
    assert (
        "LESS URGENT: " in refused.stdout
        and "see_doctor_soon -> book_appointment" in refused.stdout
    )
    assert "--accept-less-urgent" in refused.stdout
    assert run(str(tmp_path / "new.yaml"), "--accept-less-urgent").returncode == 0
    missing = run("no/such/file.yaml")
    assert missing.returncode == 2 and "error:" in missing.stderr
