"""Button data: answers round-trip; anything malformed or oversized is refused."""

from __future__ import annotations

import pytest

from bot.channels.telegram import callback_data
from bot.channels.telegram.callback_data import AnswerButton


def test_answer_buttons_round_trip():
    data = callback_data.answer_data("nostril_twitch", "weakness", "not_sure")
    assert data == "a:nostril_twitch:weakness:not_sure"
    assert callback_data.parse(data) == AnswerButton("nostril_twitch", "weakness", "not_sure")


def test_resume_and_command_buttons():
    assert callback_data.parse("a:nostril_twitch:_resume:continue").question_id == "_resume"
    assert callback_data.parse("c:summary") == "c:summary"
    assert callback_data.parse("f:yes") == "f:yes"


@pytest.mark.parametrize(
    "data",
    [
        None, 42, "", "garbage", "a:nostril_twitch:weakness", "a:Nostril:weakness:yes",
        "a:nostril_twitch:../../etc:yes", "a:nostril_twitch:weakness:yes:extra",
        "c:delete_everything", "f:maybe", "a:" + "x" * 70 + ":q:o", "a:é:q:o",
        "a:nostril_twitch:weakness:yes\n",
    ],
)  # fmt: skip
def test_malformed_data_is_refused(data):
    assert callback_data.parse(data) is None


def test_shipped_flow_buttons_fit_in_64_bytes(flow):
    for question in flow.questions:
        for option in question.options:
            data = callback_data.answer_data(flow.id, question.id, option.id)
            assert len(data.encode()) <= 64
            assert callback_data.parse(data) == AnswerButton(flow.id, question.id, option.id)
