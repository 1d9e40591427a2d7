"""What a person can do, independent of the channel they use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Start:
    """Begin (or offer to resume) a check."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer: a chosen option id (from a button) or free text.

    ``question_id`` (and ``flow_id``) name the question a button belonged to; a button
    of an earlier question is refused instead of being applied to the current one.
    """

    text: str | None = None
    option_id: str | None = None
    question_id: str | None = None
    flow_id: str | None = None


@dataclass(frozen=True, slots=True)
class Back:
    """Re-ask the previous question."""


@dataclass(frozen=True, slots=True)
class Restart:
    """Throw away the answers and start the flow again."""


@dataclass(frozen=True, slots=True)
class ShowSummary:
    """Show the answers so far (and the outcome, if reached).

    ``upcoming`` are the due times of the person's scheduled check-ins, which the session
    does not hold: the channel reads them and passes them in.
    """

    upcoming: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckinDue:
    """A follow-up check-in the person asked for is due: ask how it is going."""


Event = Start | Answer | Back | Restart | ShowSummary | CheckinDue
