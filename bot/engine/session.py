"""A person's progress through a flow, as plain data (stored by the store layer)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.flow import SEVERITY_RANK


class CheckinRecord(BaseModel):
    """One follow-up check-in: when it was asked and the answers (option ids) given."""

    model_config = ConfigDict(frozen=True)

    asked_at: datetime
    signs: str | None = None
    progress: str | None = None


class Followup(BaseModel):
    """Follow-up check-ins of one episode: the pending check-in question, if any, and history.

    ``first_check_at`` is when the episode's first check began: "still there two weeks
    later" counts from it.
    """

    model_config = ConfigDict(frozen=True)

    stage: Literal["offer", "signs", "progress"] | None = None
    first_check_at: datetime
    history: tuple[CheckinRecord, ...] = ()
    floor: str | None = None  # the least outcome of a recheck after a reported sign


class Migration(BaseModel):
    """One move of a session to another version of its flow."""

    model_config = ConfigDict(frozen=True)

    from_version: str
    to_version: str
    at: datetime
    changed: tuple[str, ...] = ()  # answered questions whose answers could not be kept as they were


class Session(BaseModel):
    """Everything the bot keeps about one conversation: answers, never message text."""

    model_config = ConfigDict(frozen=True)

    flow_id: str
    flow_version: str
    state: str  # the current question, or the outcome once ended
    ended: bool = False
    answers: dict[str, str] = Field(default_factory=dict)
    history: tuple[str, ...] = ()
    red_flags: dict[str, str] = Field(default_factory=dict)
    triggers: tuple[str, ...] = ()
    offer_resume: bool = False
    pending: str | None = None  # an option read back from typed text, awaiting confirmation
    started_at: datetime
    updated_at: datetime
    followup: Followup | None = None
    migrations: tuple[Migration, ...] = ()  # each version change it went through

    @property
    def worst_red_flag(self) -> str | None:
        """The most severe red flag seen, or None."""
        return worst_of(self.red_flags)


def worst_of(red_flags: dict[str, str]) -> str | None:
    """The most severe of these red flags, or None."""
    worst = None
    for severity in red_flags.values():
        if SEVERITY_RANK[severity] > SEVERITY_RANK[worst]:
            worst = severity
    return worst
