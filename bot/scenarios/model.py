"""Scenario files: ``flows/tests/<flow>.yaml``, a list of patient stories.

Each scenario says how a person answers (a tapped option id, or typed words and the
option they mean), which outcome they must reach and which triggers its tips must name.
A question the scenario does not mention is answered by tapping its mildest answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.flow.model import Id


class Typed(BaseModel):
    """Words a person types, and the option they mean by them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    say: str = Field(min_length=1, max_length=500)
    means: Id


def _typed_or_tap(value: object) -> object:
    return {"tap": value} if isinstance(value, str) else value


class Tap(BaseModel):
    """A tapped option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tap: Id


Answer = Annotated[Typed | Tap, BeforeValidator(_typed_or_tap)]


CLOSED = "closed"  # a check-in's expectation: the twitching is gone, the episode closed
OFFERED = "offered"  # another check-in is offered
DECLINED = "declined"  # the person declined the offer


class CheckinStory(BaseModel):
    """What the person does with the check-in offer and, when it is due, the check-in.

    ``after_days`` moves the clock (default: the chosen offer's days); ``answers`` answer
    the warning-sign questions when the check-in asks them again. ``expect`` is an outcome
    id, or closed / offered / declined.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    offer: Answer
    after_days: int | None = Field(default=None, ge=0, le=365)
    signs: Answer | None = None
    progress: Answer | None = None
    answers: dict[Id, Answer] = Field(default_factory=dict)
    expect: Id

    def answer_for(self, question_id: str) -> Typed | Tap | None:
        """How the person answers a rechecked warning-sign question, if the story says."""
        return self.answers.get(question_id)


class Scenario(BaseModel):
    """One patient story and what the flow must do with it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    story: str | None = None
    answers: dict[Id, Answer] = Field(default_factory=dict)
    expect: Id
    tips: tuple[Id, ...] | None = None  # exactly these triggers' tips, when given
    checkin: CheckinStory | None = None

    def answer_for(self, question_id: str) -> Typed | Tap | None:
        """How the person answers ``question_id``, if the scenario says."""
        return self.answers.get(question_id)


class ScenarioFile(BaseModel):
    """Every scenario of one flow."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    flow: Id
    scenarios: tuple[Scenario, ...] = Field(min_length=1)


def load_scenarios(path: Path) -> ScenarioFile:
    """Read and validate a scenario file (raises ValueError with the problem)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ScenarioFile.model_validate(data)
