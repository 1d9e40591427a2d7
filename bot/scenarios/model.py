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


class Scenario(BaseModel):
    """One patient story and what the flow must do with it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    story: str | None = None
    answers: dict[Id, Answer] = Field(default_factory=dict)
    expect: Id
    tips: tuple[Id, ...] | None = None  # exactly these triggers' tips, when given

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
