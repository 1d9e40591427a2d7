"""Second thoughts on a milder answer to a warning-sign question, before it is recorded or
read back: the whole text is checked for words the answer does not explain ("no, my leg
drags"), a sign in a clause of its own ("not spreading, it moves around"), the answer's
own words denied ("gradual? no") and, on the duration question, an earlier start ("it's
back since Monday", "10 days, maybe longer")."""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.cues import affirms, mentions_recurrence, unexplained, untimed
from bot.engine.phrasebook import PhraseBook
from bot.engine.quantities import is_unit
from bot.engine.reading import Reading, ask, read_back
from bot.flow import Question
from bot.flow.filler_words import BENIGN_WORDS, PEOPLE
from bot.flow.lexicon import NEGATORS
from bot.flow.time_words import OPEN_ENDED

# The clauses of the text being read, split on first use (``bot.engine.cues.clauses``).
Clauses = Callable[[], list[list[str]]]


class SecondThoughts:
    """Checks milder answers to one question (built once per flow version)."""

    def __init__(
        self, question: Question, phrases: PhraseBook, rank: dict[str, int], sign: str | None
    ):
        self.question = question
        self._phrases = phrases
        self._rank = rank
        self._sign = sign

    def check(self, found: Reading, text: str, tokens: list[str], parts: Clauses) -> Reading:
        """``found``, a milder answer, as it stands after reading the whole text (``parts``
        gives its clauses)."""
        if "?" in text.rstrip().rstrip("?"):
            return ask("mixed")  # "gradual? no": the milder answer's words, asked and denied
        if self.question.reads == "duration":
            return self._timed(found, text, tokens)
        if found.certain:
            return read_back(found.option_id or "") if "?" in text else found  # "no?"
        if self.question.reads:
            return found
        return self._explained(found, parts())

    def _timed(self, found: Reading, text: str, tokens: list[str]) -> Reading:
        """A duration milder than the sign's, unless the words say the twitching may have
        started earlier: "it's back since Monday", "10 days, forever really", "10 days, my
        wife says longer", "5 days, happens when I'm stressed"."""
        if mentions_recurrence(tokens):
            return ask("first_time")  # when did it first start?
        option_id = found.option_id or ""
        words = ["" if is_unit(t) else t for t in tokens]  # "2 weeks" is no synonym "weeks"
        named = self._phrases.matches_inside(words)[0]
        longer = [o for o in named if self._rank[o] > self._rank[option_id]]
        if longer or OPEN_ENDED & set(tokens):  # "10 days, forever really", "maybe longer"
            return read_back(self._sign or option_id)
        if untimed(tokens, self._phrases.words.get(option_id, frozenset())):
            return ask("duration")
        return read_back(option_id) if "?" in text else found

    def _explained(self, found: Reading, parts: list[list[str]]) -> Reading:
        """``found`` if its words explain the whole text, else ask again: "no, my leg
        drags" may describe the sign."""
        option_id = found.option_id or ""
        explained = self._phrases.words.get(option_id, frozenset())
        if any(affirms(clause[-2:]) for clause in parts):
            return ask("mixed")  # "my wife has said it does, my husband said no"
        told: set[str] = set()
        for clause in parts:
            named = self._phrases.matches_inside(clause)[0]
            told |= named
            people = PEOPLE if option_id in named else frozenset()  # "my husband says…"
            if unexplained(clause, explained, people):
                return ask("mixed")
        if any(self._rank[o] > self._rank[option_id] for o in told):
            return ask("mixed")  # "not spreading, it moves around": a sign in its own clause
        if any(self._denied_last(clause, option_id) for clause in parts):
            return ask("negated")  # "gradually no", "gradual it was not"
        return found

    def _denied_last(self, clause: list[str], option_id: str) -> bool:
        """Whether a clause names the answer and then ends in a denial that is not part of
        the answer's own words: "gradually no" (but not "partner says no")."""
        if len(clause) < 2 or clause[-1] not in NEGATORS:
            return False
        if self._phrases.ends_with(clause, option_id):
            return False
        words = self._phrases.words.get(option_id, frozenset())
        return any(t in words and t not in BENIGN_WORDS for t in clause[:-1])
