"""Typed answers -> a decision: record an option, read it back first, or ask again.

Risk is asymmetric. On a question about a warning sign, text is recorded as a milder answer
only when it cannot mean anything else: the number, the label, an admin's synonym, or a
plain "no" ("nope", "no, never", "no, I'm sure"). Text that may describe the sign
(inability, loss of feeling or function, an episode that passed, a negated sentence) is
never recorded as milder: it is read back for confirmation or asked again. Doubt records
"not sure", which counts as yes. Typos are read back, never recorded silently.

What each question understands comes from the flow (labels, synonyms, ranges); the
English it knows without being told is in ``bot.flow.lexicon`` and its neighbours. A
milder answer to a warning-sign question gets second thoughts (``second_thoughts``).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from bot.engine.amount_answers import AmountReader
from bot.engine.cues import affirms, clauses, someone_saw
from bot.engine.phrasebook import PhraseBook, contains, without
from bot.engine.quantities import is_amount
from bot.engine.reading import Reading, ask, read_back, record
from bot.engine.second_thoughts import Clauses, SecondThoughts
from bot.flow import SEVERITY_RANK, Question
from bot.flow.canonical import canonical_tokens
from bot.flow.lexicon import (
    AFFIRMING,
    ANSWER_NO,
    CLARIFY,
    CLARIFY_INSIDE,
    CLAUSE_BREAKS,
    DOUBT_INSIDE,
    ESTIMATES,
    FUNCTION_WORDS,
    HEDGE_INSIDE,
    LEAD_NO,
    LEAD_YES,
    LIMITING,
    NEGATORS,
    NO_HEDGED,
    NO_NEGATED,
    PAST_EPISODE,
    SAFE_AFTER_NO,
    SIGN_WORDS,
    YES_INSIDE,
)
from bot.flow.model import UNSURE_OPTION_IDS
from bot.flow.negation import denies_plainly, has_double_negation, negated_at, sign_cues
from bot.flow.time_words import NOW_WORDS, RECENT_SPANS


class QuestionReader:
    """Reads typed answers to one question (built once per flow version)."""

    def __init__(self, question: Question):
        self.question = question
        self._options = question.options
        rank = {o.id: SEVERITY_RANK[o.red_flag] for o in question.options}
        self._rank = rank
        worst = max(rank.values())
        self.warning = worst > 0
        self._unsure = next((o.id for o in question.options if o.id in UNSURE_OPTION_IDS), None)
        # The answer that reports the sign: what a description of the sign is read back as.
        self._sign = next(
            (o.id for o in question.options if rank[o.id] == worst and o.id != self._unsure),
            None,
        )
        self._phrases = PhraseBook(question, self.warning)
        self._yes = self._phrases.exact.get("yes", Reading()).option_id
        # Only an answer that means "no" itself is read from hedges and negations: "fine" to
        # "Shall we begin?" must never decline.
        self._no = "no" if question.option("no") is not None else None
        self._says_no = self._phrases.exact.get("no", Reading()).option_id
        self._amounts = AmountReader(question, rank)
        self._second_thoughts = SecondThoughts(question, self._phrases, rank, self._sign)

    def rank(self, option_id: str) -> int:
        """How severe an option of this question is (0 when it marks no red flag)."""
        return self._rank.get(option_id, 0)

    # ------------------------------------------------------------------ reading
    def read(self, text: str, now: datetime) -> Reading:
        """Understand ``text`` as an answer to this question."""
        tokens = canonical_tokens(text)
        if not tokens:
            return ask("unclear")
        phrase = " ".join(tokens)
        parts = cache(lambda: clauses(text))  # the clauses, split once if a step needs them
        found = self._understood(text, tokens, phrase, now, parts)
        if found is None:
            return self._typo(phrase) or ask(self.question.reads or "unclear")
        if not (self.warning and self._milder(found)):
            return found
        return self._second_thoughts.check(found, text, tokens, parts)

    def _milder(self, found: Reading) -> bool:
        """Whether ``found`` is an answer milder than the one reporting the sign."""
        option_id = found.option_id
        return option_id is not None and self.rank(option_id) < self.rank(self._sign or option_id)

    def _understood(
        self, text: str, tokens: list[str], phrase: str, now: datetime, parts: Clauses
    ) -> Reading | None:
        for step in (
            lambda: self._amounts.option_number(text, tokens),
            lambda: self._phrases.exact.get(phrase),
            lambda: self._amounts.number_word(tokens),
            lambda: ask("clarify") if phrase in CLARIFY else None,
            lambda: ask("clarify") if contains(tokens, CLARIFY_INSIDE) else None,
            lambda: self._doubt(tokens),
            lambda: self._amounts.quantity(tokens, now),
            lambda: self._lead_yes(tokens),
            lambda: self._nobody_could_tell(tokens),
            lambda: self._sign_described(tokens, parts),
            lambda: ask("negated") if has_double_negation(tokens) else None,
            lambda: self._only_now(tokens),
            lambda: self._lead_no(tokens),
            lambda: self._hedged_no(tokens),
            lambda: self._phrases_inside(tokens),
            lambda: self._affirmed(tokens),
            lambda: self._trailing(tokens),
            lambda: self._negated_only(tokens),
        ):
            found = step()
            if found is not None:
                return found
        return None

    def _doubt(self, tokens: list[str]) -> Reading | None:
        if self._unsure is None:
            return None
        words = without(tokens, _HEDGES)  # "not that I know of" is a hedged no, not doubt
        for i, word in enumerate(words):  # "maybe 5 hours", "4 hours maybe": an estimate
            near = words[max(0, i - 4) : i] + words[i + 1 : i + 2]
            if word in ESTIMATES and any(is_amount(w) for w in near if w):
                words[i] = ""
        if not contains(words, DOUBT_INSIDE):
            return None
        unobserved = self._unobserved_inside(tokens)
        if unobserved is not None:  # "I sleep alone, so no idea": nobody could tell
            return ask("mixed") if someone_saw(tokens) else read_back(unobserved)
        rest = without(tokens, _DOUBTS)
        if self.warning and self._sign and not self.question.reads and sign_cues(rest)[1]:
            return read_back(self._sign)  # "I don't know if it counts, but last night I fell"
        return record(self._unsure)

    def _nobody_could_tell(self, tokens: list[str]) -> Reading | None:
        # "I'm a widower, nobody to see": the words of the unobserved answer, and no other's.
        plain, _ = self._phrases.matches_inside(tokens)
        found = self._unobserved_inside(tokens)
        if found is None or plain != {found}:
            return None
        return ask("mixed") if someone_saw(tokens) else read_back(found)

    def _unobserved_inside(self, tokens: list[str]) -> str | None:
        plain, _ = self._phrases.matches_inside(tokens)
        found = [o.id for o in self._options if o.unobserved and o.id in plain]
        return found[0] if found else None

    def _lead_yes(self, tokens: list[str]) -> Reading | None:
        if tokens[0] not in LEAD_YES or self._yes is None:
            return None
        rest = tokens[1:]
        if rest and rest[0] in LEAD_NO:
            return ask("mixed")  # "yeah, no"
        if rest and rest[0] in NEGATORS:
            return None  # "definitely not numb", "definitely not sure": no yes at all
        if rest and contains(rest, NO_NEGATED):
            return ask("mixed")  # "yes, not really"
        if rest and self._no and contains(rest, NO_HEDGED):
            return ask("mixed")  # "yes I'm fine": yes to the question, or all is well?
        inside = self._phrases.options_inside(rest)
        if not inside or inside == {self._yes}:
            return record(self._yes)
        if len(inside) == 1:
            other = self.question.option(next(iter(inside)))
            chosen = self.question.option(self._yes)
            if (
                other
                and chosen
                and (other.red_flag, other.trigger)
                == (
                    chosen.red_flag,
                    chosen.trigger,
                )
            ):
                return record(other.id)  # "yes, a nasal spray": the more specific answer
        return ask("mixed")

    def _sign_described(self, tokens: list[str], parts: Clauses) -> Reading | None:
        if not self.warning or self._sign is None or self.question.reads:
            return None
        # Clause by clause: a negation does not reach past a comma ("not numb, tingly").
        cues = [sign_cues(clause) for clause in parts()]
        strong, past = any(c[0] for c in cues), any(c[1] for c in cues)
        if not strong and not past:
            return None
        plain, _ = self._phrases.matches_inside(tokens)
        if not strong and plain and all(self.rank(o) < self.rank(self._sign) for o in plain):
            return None  # "it came on slowly": a past tense, and the milder answer's words
        said_no = tokens[0] in LEAD_NO and len(tokens) > 1 and not LEAD_YES & set(tokens)
        if said_no and tokens[1] not in SIGN_WORDS | FUNCTION_WORDS:
            return ask("mixed")  # "no, I can't close it": the words disagree
        return read_back(self._sign)

    def _only_now(self, tokens: list[str]) -> Reading | None:
        # "not right now", "I'm fine now": the question may count earlier episodes too.
        # Only the emergency screen counts episodes that have passed.
        if not self.warning:
            return None
        if any(
            t in RECENT_SPANS and negated_at(tokens, i) is not None for i, t in enumerate(tokens)
        ):
            negated = True  # "not this week", "no, not for a while"
        elif NOW_WORDS & set(tokens):
            negated = any(t in NEGATORS for t in tokens) or contains(tokens, NO_HEDGED)
        else:
            return None
        if not negated:
            return None
        episodes = self.rank(self._sign or "") == SEVERITY_RANK["emergency"]
        return ask("when" if episodes else "negated")

    def _lead_no(self, tokens: list[str]) -> Reading | None:
        no = self._no or self._says_no  # "nah, not today" declines the consent question
        if tokens[0] not in LEAD_NO or no is None:
            return None
        rest = tokens[1:]
        if all(t in SAFE_AFTER_NO for t in rest):
            return record(no)
        if self.warning and not denies_plainly([t for t in rest if t not in LEAD_NO]):
            return ask("negated")  # "no, food doesn't go down" (but "no arm, no leg weakness")
        if LEAD_YES & set(rest) or affirms(rest):
            return ask("mixed")  # "nah yeah", "no it does"
        plain, _ = self._phrases.matches_inside(tokens)
        if plain - {no}:
            return ask("mixed")  # "no, I'm not sleeping well"
        # "no, not slowly", "nothing gradual about it": the milder answer's words, negated
        if self.warning and (
            no in self._phrases.matches_inside(rest)[1]
            or (tokens[0] not in ANSWER_NO and self._phrases.starts_with(rest, no))
        ):
            return ask("negated")
        return read_back(no) if self.warning else record(no)

    def _hedged_no(self, tokens: list[str]) -> Reading | None:
        if self._no is None or not contains(tokens, NO_HEDGED):
            return None
        plain, negated = self._phrases.matches_inside(tokens)
        if self._no in negated and self.warning:
            return ask("negated")  # "it wasn't gradual"
        inside = plain | negated
        if inside - {self._no}:
            return ask("mixed")
        if not self.warning:
            return record(self._no)
        if inside:  # "I've been told it doesn't": the answer's own words
            return read_back(self._no)
        rest = without(tokens, _HEDGED_NOS)
        if (LIMITING | CLAUSE_BREAKS) & set(rest) or PAST_EPISODE & set(rest):
            return ask("mixed")  # "not really, it was only for a day"
        return read_back(self._no)

    def _phrases_inside(self, tokens: list[str]) -> Reading | None:
        plain, negated = self._phrases.matches_inside(tokens)
        if len(plain) == 1 and not negated:
            option_id = next(iter(plain))
            if self.warning or any(t in NEGATORS for t in tokens):
                return read_back(option_id)
            return record(option_id)
        if negated and not plain and self.warning:
            return None  # "not numb": a denial, read back below
        if plain or negated:
            return ask("negated" if negated and not plain else "mixed")
        return None

    def _trailing(self, tokens: list[str]) -> Reading | None:
        # "my mum is in hospital so yeah", "not slurred, no": the answer word comes last.
        if len(tokens) < 2:
            return None
        last = tokens[-1]
        if last in LEAD_YES and self._yes and not any(t in NEGATORS for t in tokens):
            return read_back(self._yes) if self.warning else record(self._yes)
        if last in ANSWER_NO and self._no and not LEAD_YES & set(tokens):
            if contains(tokens, AFFIRMING):
                return ask("mixed")  # "he says I do, I say no"
            return read_back(self._no)
        return None

    def _affirmed(self, tokens: list[str]) -> Reading | None:
        # "I know I do", "well it does": a yes inside a sentence, read back to be sure.
        if self._yes is None or any(t in NEGATORS for t in tokens):
            return None
        return read_back(self._yes) if contains(tokens, YES_INSIDE) else None

    def _negated_only(self, tokens: list[str]) -> Reading | None:
        # "I don't have any weakness": probably no, but only the person can say for sure;
        # "my eyebrow doesn't go up" describes something that does not work: ask.
        if not self.warning or self._no is None or not any(t in NEGATORS for t in tokens):
            return None
        return read_back(self._no) if denies_plainly(tokens) else ask("negated")

    def _typo(self, phrase: str) -> Reading | None:
        found = self._phrases.nearest(phrase)
        return read_back(found) if found is not None else None


# Phrases as word lists, longest first, so a longer one is blanked before its parts.
_HEDGES = sorted((h.split() for h in HEDGE_INSIDE), key=len, reverse=True)
_DOUBTS = sorted((h.split() for h in DOUBT_INSIDE), key=len, reverse=True)
_HEDGED_NOS = sorted((h.split() for h in NO_HEDGED), key=len, reverse=True)
