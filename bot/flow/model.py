"""The flow language as immutable, validated models.

A flow is questions (each with options) and outcomes. Options may mark a red flag
(a warning sign, with a severity) or a trigger. ``finish`` as a target picks the
outcome: the one for the most severe red flag seen, else the default outcome.
Every question, trigger and outcome names the source of what it says.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
)

Severity = Literal["emergency", "urgent", "routine"]
SEVERITY_RANK: dict[str | None, int] = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
FINISH = "finish"
# Options with these ids mean "not sure"; on a warning sign they must count as yes.
UNSURE_OPTION_IDS = frozenset({"not_sure", "unsure", "dont_know"})
# ``source: none`` marks text that makes no medical statement (consent, for example).
NO_SOURCE = "none"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


def reflow(text: str) -> str:
    """Join hard-wrapped lines; keep blank-line paragraphs and lines starting a list item."""
    out: list[str] = []
    for line in text.strip().splitlines():
        line = line.strip()
        if out and line and out[-1] and not _LIST_ITEM.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


_LIST_ITEM = re.compile(r"^(?:[•*-]\s|\d+[.)]\s)")
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=3000),
    AfterValidator(reflow),
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


# One source id, or a list of them.
SourceRefs = Annotated[tuple[Id, ...], BeforeValidator(_as_tuple), Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Rule(_Frozen):
    """One branch of a computed ``next``: go to ``go`` when the condition holds."""

    if_red_flag: Literal["any", "none", "emergency", "urgent", "routine"] | None = None
    go: Id

    def holds(self, worst: str | None) -> bool:
        """Whether this rule applies given the most severe red flag seen so far."""
        cond = self.if_red_flag
        if cond is None:
            return True
        if cond == "any":
            return worst is not None
        if cond == "none":
            return worst is None
        return SEVERITY_RANK[worst] >= SEVERITY_RANK[cond]


def _next_kind(value: Any) -> str:
    return "rules" if isinstance(value, list | tuple) else "target"


# Either a target id or a list of rules, tried in order.
Next = Annotated[
    Annotated[Id, Tag("target")] | Annotated[tuple[Rule, ...], Tag("rules")],
    Discriminator(_next_kind),
]
UNION_TAGS = frozenset({"target", "rules"})


class Option(_Frozen):
    """An answer a person can choose.

    ``at_least`` / ``below`` give the option's range on a question that ``reads`` a
    duration (days) or a count (per day). ``unobserved`` marks an answer meaning
    "nobody could have noticed", which is not a warning sign (routine signs only).
    """

    id: Id
    label: Label
    next: Next | None = None
    red_flag: Severity | None = None
    trigger: Id | None = None
    synonyms: tuple[Label, ...] = ()
    unobserved: bool = False
    at_least: Annotated[float, Field(ge=0)] | None = None
    below: Annotated[float, Field(gt=0)] | None = None

    def covers(self, low: float, high: float) -> bool:
        """Whether the whole range [low, high] lies in this option's range."""
        floor = self.at_least if self.at_least is not None else 0.0
        ceiling = self.below if self.below is not None else float("inf")
        return floor <= low and high < ceiling

    def overlaps(self, low: float, high: float) -> bool:
        """Whether any of [low, high] lies in this option's range."""
        floor = self.at_least if self.at_least is not None else 0.0
        ceiling = self.below if self.below is not None else float("inf")
        return low < ceiling and high >= floor

    @property
    def has_range(self) -> bool:
        """Whether the option has a duration or count range."""
        return self.at_least is not None or self.below is not None


class Question(_Frozen):
    """A question with its options; ``next`` is the default for options without one."""

    id: Id
    prompt: Annotated[Text, Field(max_length=1500)]
    source: SourceRefs
    short: Label | None = None
    help: Annotated[Text, Field(max_length=1000)] | None = None
    section: Id | None = None
    options: tuple[Option, ...] = Field(min_length=2, max_length=10)
    next: Next | None = None
    reads: Literal["duration", "count"] | None = None
    count_words: tuple[Label, ...] = ()

    @property
    def summary_label(self) -> str:
        """Short label used in summaries."""
        return self.short or self.prompt

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def mildest(self) -> str:
        """The answer of a person without this sign or trigger (the first calm option)."""
        calm = [o for o in self.options if not o.red_flag and not o.trigger and not o.unobserved]
        return (calm or list(self.options))[0].id

    def target(self, option: Option) -> Next | None:
        """Where choosing ``option`` leads."""
        return option.next if option.next is not None else self.next


class Trigger(_Frozen):
    """An everyday trigger with a short self-care tip."""

    id: Id
    label: Label
    tip: Text
    source: SourceRefs


class Outcome(_Frozen):
    """An end of the conversation. ``red_flag`` ties it to a severity tier.

    ``announce`` is said at once, mid-check, when a person's answers first reach this
    outcome's tier; ``stores_nothing`` erases the person's session when reached.
    """

    id: Id
    title: Label
    text: Text
    source: SourceRefs
    red_flag: Severity | None = None
    default: bool = False
    list_triggers: bool = False
    triggers_intro: Text | None = None
    no_triggers_text: Text | None = None
    safety_net: Text | None = None
    announce: Text | None = None
    stores_nothing: bool = False


class Section(_Frozen):
    """A group of questions, used to order summaries."""

    id: Id
    title: Label


class Source(_Frozen):
    """Where medical statements come from, listed once per flow."""

    id: Id
    title: Annotated[Text, Field(max_length=500)]
    where: Annotated[Text, Field(max_length=500)] | None = None


class Flow(_Frozen):
    """A whole conversation as an admin wrote it. ``version`` is its content hash."""

    id: Id
    title: Label
    intro: Text
    disclaimer: Text
    start: Id
    sources: tuple[Source, ...] = Field(min_length=1)
    safety_net: Text | None = None
    sections: tuple[Section, ...] = ()
    questions: tuple[Question, ...] = Field(min_length=1)
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    triggers: tuple[Trigger, ...] = ()
    checkins: Checkins | None = None
    # Old question id -> new id: answers given to a renamed question carry over.
    renamed: dict[Id, Id] = Field(default_factory=dict)
    version: str = Field(default="", exclude=True)

    # Indexes by id, built on first use; cached_property keeps them out of fields and dumps.
    @cached_property
    def _question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _outcome_index(self) -> dict[str, Outcome]:
        return {o.id: o for o in self.outcomes}

    @cached_property
    def _trigger_index(self) -> dict[str, Trigger]:
        return {t.id: t for t in self.triggers}

    def content_hash(self) -> str:
        """A short hash of everything in the flow: its version."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:12]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return self._question_index.get(question_id)

    def outcome(self, outcome_id: str) -> Outcome | None:
        """The outcome with this id, if any."""
        return self._outcome_index.get(outcome_id)

    def trigger(self, trigger_id: str) -> Trigger | None:
        """The trigger with this id, if any."""
        return self._trigger_index.get(trigger_id)

    def outcome_for(self, worst: str | None) -> Outcome:
        """The outcome ``finish`` leads to when ``worst`` is the most severe red flag."""
        for outcome in self.outcomes:
            if worst is None and outcome.default:
                return outcome
            if worst is not None and outcome.red_flag == worst:
                return outcome
        raise LookupError(f"flow {self.id} has no outcome for red flag {worst!r}")


from bot.flow.checkin_model import Checkins  # noqa: E402  (it builds on the models above)

Flow.model_rebuild()
