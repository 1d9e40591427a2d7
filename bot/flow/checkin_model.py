"""Follow-up check-ins as flow content: the offer, and the questions a due check-in asks.

An admin edits them in the flow file under ``checkins:`` like any question. After an
outcome listed in ``offer_after`` the bot offers to check in again (``offer``); a due
check-in first asks whether a warning sign appeared (``signs``: an answer with
``recheck: true`` runs the warning-sign questions again from ``recheck``), then how the
twitching is now (``progress``). Twitching still there ``still_there_days`` or more after
the first check leads to ``still_there_outcome``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field

from bot.flow.model import Id, Label, Option, Question, SourceRefs, Text, _Frozen

Course = Literal["gone", "better", "same", "worse"]


class OfferChoice(_Frozen):
    """An answer to the offer: check in after ``days``, or (without ``days``) not at all."""

    id: Id
    label: Label
    synonyms: tuple[Label, ...] = ()
    days: Annotated[int, Field(ge=1, le=60)] | None = None


class SignsAnswer(_Frozen):
    """An answer to "has a warning sign appeared?"; ``recheck`` asks the signs again."""

    id: Id
    label: Label
    synonyms: tuple[Label, ...] = ()
    recheck: bool = False


class ProgressAnswer(_Frozen):
    """An answer to "how is the twitching now?"; ``outcome`` sends to that outcome at once."""

    id: Id
    label: Label
    synonyms: tuple[Label, ...] = ()
    course: Course
    outcome: Id | None = None


class CheckinOffer(_Frozen):
    """The offer at the end of an outcome; ``{date}`` in ``scheduled`` is the due date."""

    id: Id
    prompt: Annotated[Text, Field(max_length=1000)]
    options: tuple[OfferChoice, ...] = Field(min_length=2, max_length=5)
    scheduled: Annotated[Text, Field(max_length=1000)]
    declined: Annotated[Text, Field(max_length=1000)]

    def as_question(self, source: tuple[str, ...]) -> Question:
        """The offer as a flow question, for reading typed answers and drawing buttons."""
        options = tuple(
            Option(id=o.id, label=o.label, synonyms=o.synonyms, next="finish") for o in self.options
        )
        return Question(id=self.id, prompt=self.prompt, source=source, options=options)


class SignsQuestion(_Frozen):
    """The warning-sign question a due check-in asks first."""

    id: Id
    intro: Annotated[Text, Field(max_length=1000)]
    prompt: Annotated[Text, Field(max_length=1500)]
    help: Annotated[Text, Field(max_length=1000)] | None = None
    options: tuple[SignsAnswer, ...] = Field(min_length=2, max_length=5)
    recheck_text: Annotated[Text, Field(max_length=1000)]

    def as_question(self, source: tuple[str, ...]) -> Question:
        """As a flow question: a recheck answer counts as a (warning) sign for reading."""
        options = tuple(
            Option(
                id=o.id,
                label=o.label,
                synonyms=o.synonyms,
                red_flag="urgent" if o.recheck else None,
                next="finish",
            )
            for o in self.options
        )
        return Question(
            id=self.id, prompt=self.prompt, help=self.help, source=source, options=options
        )


class ProgressQuestion(_Frozen):
    """How the twitching is now, compared with the first check."""

    id: Id
    prompt: Annotated[Text, Field(max_length=1500)]
    options: tuple[ProgressAnswer, ...] = Field(min_length=2, max_length=6)
    gone_text: Annotated[Text, Field(max_length=1500)]
    continue_text: Annotated[Text, Field(max_length=1500)]

    def as_question(self, source: tuple[str, ...]) -> Question:
        """As a flow question, for reading typed answers and drawing buttons."""
        options = tuple(
            Option(id=o.id, label=o.label, synonyms=o.synonyms, next="finish") for o in self.options
        )
        return Question(id=self.id, prompt=self.prompt, source=source, options=options)

    def answer(self, option_id: str) -> ProgressAnswer | None:
        """The answer with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)


class Checkins(_Frozen):
    """Everything about follow-up check-ins in one flow."""

    source: SourceRefs
    offer_after: tuple[Id, ...] = Field(min_length=1)
    offer: CheckinOffer
    signs: SignsQuestion
    recheck: Id
    progress: ProgressQuestion
    still_there_days: Annotated[int, Field(ge=1, le=60)]
    still_there_outcome: Id
    # A sign reported at a check-in that the warning-sign questions then do not name still
    # leads at least here: the person said something new appeared.
    recheck_outcome: Id

    @cached_property
    def _questions(self) -> dict[str, Question]:
        parts = (self.offer, self.signs, self.progress)
        return {part.id: part.as_question(self.source) for part in parts}

    def questions(self) -> tuple[Question, ...]:
        """The offer and the check-in questions as flow questions."""
        return tuple(self._questions.values())

    def question(self, question_id: str) -> Question | None:
        """The check-in question (or offer) with this id, if any."""
        return self._questions.get(question_id)

    def offer_days(self, option_id: str) -> int | None:
        """After how many days the offer's answer ``option_id`` checks in (None: never)."""
        choice = next((o for o in self.offer.options if o.id == option_id), None)
        return None if choice is None else choice.days

    def rechecks(self, option_id: str) -> bool:
        """Whether this answer to the signs question runs the warning signs again."""
        return any(o.id == option_id and o.recheck for o in self.signs.options)
