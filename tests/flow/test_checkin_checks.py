"""The flow's check-ins are validated like its questions: each mistake located in the file,
said in the flow's words, with a hint; unsafe check-ins are refused."""

from __future__ import annotations

from bot.flow import check_flow_text
from tests.conftest import FLOW_PATH

SHIPPED = FLOW_PATH.read_text(encoding="utf-8")


def problems(*changes: tuple[str, str]) -> list[str]:
    """Errors of the shipped flow with every change made at once, each as
    "<line relative to its change's first line>: message"."""
    text = SHIPPED
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    flow, errors = check_flow_text(text, "f.yaml")
    assert flow is None
    starts = [text[: text.index(new)].count("\n") + 1 for _, new in changes]
    found = []
    for error in errors:
        nearest = min(starts, key=lambda start: abs(error.line - start))
        found.append(f"{error.line - nearest}: {error.message}")
    return found


def test_the_shipped_check_ins_are_valid():
    flow, errors = check_flow_text(SHIPPED, "f.yaml")
    assert errors == [] and flow.checkins.offer_after == ("self_care",)


MISTAKES = [
    ("  offer_after: [self_care]", "  offer_after: [see_doctor_soon, self_cure]",
     ["0: a check-in cannot follow outcome 'see_doctor_soon'", "0: unknown outcome 'self_cure'"]),
    ("      - {id: not_sure, label: Not sure, recheck: true}",
     "      - {id: not_sure, label: Not sure}", ["0: 'Not sure' must count as yes"]),
    ("  recheck: emergency_signs", "  recheck: stress",
     ["0: 'stress' is not a warning-sign question"]),
    ("  still_there_outcome: book_appointment", "  still_there_outcome: self_care",
     ["0: outcome 'self_care' does not send to a doctor"]),
    ("      Okay, I'll check in with you on {date}.", "      Okay, I'll check in with you.",
     ["-1: 'scheduled' must mention {date}"]),
    ("    id: checkin_signs", "    id: stress", ["0: id 'stress' is used elsewhere in the flow"]),
    ("      Thank you for letting me know that the twitching has stopped.",
     "      You are fine now, the twitching has stopped.", ["-1: text says 'You are fine'"]),
    ("  source: [article, clinical_review]\n  offer_after",
     "  source: none\n  offer_after", ["0: check-ins make medical statements"]),
]  # fmt: skip


def test_every_check_in_mistake_is_reported_at_its_place():
    found = problems(*((old, new) for old, new, _ in MISTAKES))
    for *_, expected in MISTAKES:
        for message in expected:
            assert message in found


def test_a_schema_mistake_names_the_check_in_option():
    assert problems(("        days: 14\n", "        dayz: 14\n")) == [
        "0: unknown key 'dayz' in option 'two_weeks'"
    ]


def test_a_milder_signs_answer_may_not_describe_a_sign():
    old = '      - {id: "no", label: "No"}\n      - {id: not_sure, label: Not sure, recheck: true}'
    new = '      - {id: "no", label: "No", synonyms: ["can\'t move it"]}\n' + old.split("\n")[1]
    found = problems((old, new))
    assert "0: 'can't move it' may describe a sign, so it cannot mean 'No'" in found
