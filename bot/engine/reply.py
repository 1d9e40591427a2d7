"""What the engine says back, free of any channel's formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Tone = Literal["info", "notice", "emergency", "urgent", "routine", "self_care", "summary"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a person can pick."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """A question waiting for an answer."""

    question_id: str
    text: str
    choices: tuple[Choice, ...]
    flow_id: str = ""
    help: str | None = None
    section: str | None = None
    number: int = 0


@dataclass(frozen=True, slots=True)
class Message:
    """A block of text; ``title`` and ``tone`` let a channel emphasise it."""

    text: str
    title: str | None = None
    tone: Tone = "info"


@dataclass(frozen=True, slots=True)
class Answered:
    """The answer just recorded, so a channel can mark the old question answered."""

    prompt: Prompt
    choice: str

    @property
    def question_id(self) -> str:
        """The id of the answered question."""
        return self.prompt.question_id


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything to show after one step.

    ``notice`` is a short remark for a refused action (an old button, for example).
    ``forget`` asks the store to erase everything kept about the person.
    ``checkin_at`` asks the store to schedule a follow-up check-in at that time;
    ``cancel_checkins`` to cancel the person's scheduled ones (the episode is closed).
    """

    messages: tuple[Message, ...] = ()
    prompt: Prompt | None = None
    answered: Answered | None = None
    ended: bool = False
    notice: str | None = None
    forget: bool = False
    checkin_at: datetime | None = None
    cancel_checkins: bool = False
