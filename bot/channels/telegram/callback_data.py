"""Inline-button data: small, self-describing, validated, never tied to process memory.

a:<flow>:<question>:<option>   an answer (question "_resume" for Continue/Start over)
c:summary | c:restart          buttons under a finished check
c:pdf                          the summary as a PDF (button under a summary)
s:<flow> | c:keep              a deep link to another flow mid-check: switch, or keep the check
f:yes | f:no                   the /forget confirmation
k:<id>                         cancel the scheduled check-in with this id (/checkins)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine import RESUME_QUESTION

MAX_BYTES = 64
_ID = r"[a-z][a-z0-9_]{0,31}"
_ANSWER = re.compile(rf"a:({_ID}):({_ID}|{RESUME_QUESTION}):({_ID})")
_COMMANDS = {"c:summary", "c:restart", "c:pdf", "c:keep", "f:yes", "f:no"}
_CANCEL_CHECKIN = re.compile(r"k:([1-9][0-9]{0,17})")
_SWITCH = re.compile(rf"s:({_ID})")


@dataclass(frozen=True, slots=True)
class AnswerButton:
    """A pressed answer button."""

    flow_id: str
    question_id: str
    option_id: str


@dataclass(frozen=True, slots=True)
class CancelCheckin:
    """A pressed "Cancel" button of a scheduled check-in (whose it is, the store checks)."""

    checkin_id: int


def cancel_checkin_data(checkin_id: int) -> str:
    """Callback data for a check-in's cancel button."""
    return f"k:{checkin_id}"


@dataclass(frozen=True)
class SwitchButton:
    """Drop the check in progress and start another flow."""

    flow_id: str


def answer_data(flow_id: str, question_id: str, option_id: str) -> str:
    """Callback data for an answer button."""
    data = f"a:{flow_id}:{question_id}:{option_id}"
    if len(data.encode()) > MAX_BYTES:  # flow validation keeps ids short enough
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
    return data


def parse(data: object) -> AnswerButton | CancelCheckin | SwitchButton | str | None:
    """An AnswerButton, a CancelCheckin, a SwitchButton, a command string ('c:summary',
    'f:yes', ...), or None if malformed."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    if data in _COMMANDS:
        return data
    cancel = _CANCEL_CHECKIN.fullmatch(data)
    if cancel:
        return CancelCheckin(int(cancel.group(1)))
    switch = _SWITCH.fullmatch(data)
    if switch:
        return SwitchButton(switch.group(1))
    match = _ANSWER.fullmatch(data)
    return AnswerButton(*match.groups()) if match else None
