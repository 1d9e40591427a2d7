"""Typed answers to one question given as a number: an answer's number ("2"), a count
("5 coffees a day") or a duration ("since March"), read in the question's own ranges."""

from __future__ import annotations

from datetime import datetime

from bot.engine.quantities import NUMBER_WORDS, Range, read_count, read_duration
from bot.engine.reading import Reading, ask, read_back, record
from bot.flow import Question
from bot.flow.canonical import canonical
from bot.flow.lexicon import CLAUSE_BREAKS, EPISODE_ENDED, NEGATORS


class AmountReader:
    """Reads numbers, counts and durations typed to one question."""

    def __init__(self, question: Question, rank: dict[str, int]):
        self.question = question
        self._options = question.options
        self._rank = rank
        self._worst = max(rank.values())
        self._count_words = frozenset(canonical(w) for w in question.count_words)

    def option_number(self, text: str, tokens: list[str]) -> Reading | None:
        """An answer's number ("2"), or on a count question perhaps two a day."""
        stripped = text.strip().rstrip(".)")
        if len(tokens) != 1 or not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 2:
            return None
        value = int(stripped)
        by_index = self._options[value - 1].id if 1 <= value <= len(self._options) else None
        by_count = None
        if self.question.reads == "count":
            by_count = self._covering((float(value), float(value)))
        if by_index and by_count and by_index != by_count:
            return ask("number")  # "1": answer 1, or one drink a day?
        found = by_index or by_count
        return record(found) if found else ask("unclear")

    def number_word(self, tokens: list[str]) -> Reading | None:
        """A number in words ("six") asked how many a day."""
        if self.question.reads != "count" or len(tokens) != 1:
            return None
        value = NUMBER_WORDS.get(tokens[0])
        found = self._covering((float(value), float(value))) if value is not None else None
        return record(found) if found else None

    def quantity(self, tokens: list[str], now: datetime) -> Reading | None:
        """A count or a duration inside a sentence, read as a range over the options."""
        reads = self.question.reads
        if reads is None:
            return None
        found: Range | None
        if reads == "duration":
            found = read_duration(tokens, now)
        else:
            found = read_count(tokens, self._count_words)
        if found is None:
            return None
        touched = [o for o in self._options if o.has_range and o.overlaps(*found)]
        if not touched:
            return ask(reads)
        most = max(touched, key=lambda o: (self._rank[o.id], o.trigger is not None))
        if len(touched) > 1:
            return read_back(most.id)  # straddles a boundary: never the milder side
        if reads == "count" and CLAUSE_BREAKS & set(tokens):
            return ask("count")  # "I used to drink 6 a day but now none"
        negated = any(t in NEGATORS for t in tokens) and "even" not in tokens
        unsure = negated or bool(EPISODE_ENDED & set(tokens))  # "it went away after a day"
        return read_back(most.id) if unsure and self._worst > 0 else record(most.id)

    def _covering(self, value: Range) -> str | None:
        return next((o.id for o in self._options if o.has_range and o.covers(*value)), None)
