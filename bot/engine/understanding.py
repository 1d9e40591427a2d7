"""Typed answers -> a decision: record an option, read it back first, or ask again.

Risk is asymmetric. On a question about a warning sign, text is recorded as a milder answer
only when it cannot mean anything else: the number, the label, an admin's synonym, or a
plain "no" ("nope", "no, never", "no, I'm sure"). Text that may describe the sign
(inability, loss of feeling or function, an episode that passed, a negated sentence) is
never recorded as milder: it is read back for confirmation or asked again. Doubt records
"not sure", which counts as yes. Typos are read back, never recorded silently.

What each question understands comes from the flow (labels, synonyms, ranges); the
English it knows without being told is in ``bot.flow.lexicon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rapidfuzz.distance import OSA

from bot.engine.events import Back, Restart, ShowSummary
from bot.engine.quantities import NUMBER_WORDS, Range, read_count, read_duration
from bot.flow import SEVERITY_RANK, Option, Question
from bot.flow.lexicon import (
    ANSWER_NO,
    CLARIFY,
    CLARIFY_INSIDE,
    CLAUSE_BREAKS,
    DOUBT_INSIDE,
    FUNCTION_WORDS,
    HEDGE_INSIDE,
    LEAD_NO,
    LEAD_YES,
    NEGATORS,
    NO_HEDGED,
    NO_STRICT,
    NOW_WORDS,
    PAST_EPISODE,
    SAFE_AFTER_NO,
    SIGN_WORDS,
    UNSURE,
    YES,
    YES_INSIDE,
    canonical,
    canonical_tokens,
    denies_plainly,
    has_double_negation,
    negated_at,
    sign_cues,
)
from bot.flow.model import UNSURE_OPTION_IDS

AskReason = Literal[
    "unclear", "mixed", "negated", "number", "duration", "count", "clarify", "rejected", "when"
]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed answer was understood as.

    ``option_id`` with ``certain``: record it. ``option_id`` without: read it back and
    record it only when the person confirms. No ``option_id``: ask again, for ``reason``.
    """

    option_id: str | None = None
    certain: bool = False
    reason: AskReason = "unclear"

    @property
    def asks_again(self) -> bool:
        """Whether nothing was understood."""
        return self.option_id is None


def _record(option_id: str) -> Reading:
    return Reading(option_id, certain=True)


def _read_back(option_id: str) -> Reading:
    return Reading(option_id, certain=False)


def _ask(reason: AskReason) -> Reading:
    return Reading(None, reason=reason)


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
        self._exact, self._inner = self._vocabulary()
        self._yes = self._exact.get("yes", Reading()).option_id
        self._no = self._exact.get("no", Reading()).option_id
        self._count_words = frozenset(canonical(w) for w in question.count_words)

    def _vocabulary(self) -> tuple[dict[str, Reading], list[tuple[list[str], str]]]:
        """Whole-answer phrases (admins' words win over built-in ones) and inner phrases."""
        builtin: dict[str, set[tuple[str, bool]]] = {}
        written: dict[str, set[str]] = {}
        for option in self._options:
            for phrase in (option.label, option.id, option.id.replace("_", " "), *option.synonyms):
                written.setdefault(canonical(phrase), set()).add(option.id)
            for phrase, certain in self._builtin_words(option):
                builtin.setdefault(phrase, set()).add((option.id, certain))
        exact: dict[str, Reading] = {}
        for phrase, found in builtin.items():
            if len({option_id for option_id, _ in found}) == 1:
                option_id, certain = next(iter(found))
                exact[phrase] = Reading(option_id, certain=certain)
        inner: list[tuple[list[str], str]] = []
        for phrase, ids in written.items():
            if len(ids) == 1 and phrase:
                option_id = next(iter(ids))
                exact[phrase] = _record(option_id)
                if len(phrase) > 2:
                    inner.append((phrase.split(), option_id))
            elif phrase:
                exact.pop(phrase, None)  # the phrase names several options: never guess
        inner.sort(key=lambda item: -len(item[0]))
        return exact, inner

    def _builtin_words(self, option: Option) -> list[tuple[str, bool]]:
        if option.id == "yes":
            return [(p, True) for p in YES]
        if option.id == "no":
            hedged_certain = not self.warning
            return [(p, True) for p in NO_STRICT] + [(p, hedged_certain) for p in NO_HEDGED]
        if option.id in UNSURE_OPTION_IDS:
            return [(p, True) for p in UNSURE]
        return []

    def rank(self, option_id: str) -> int:
        """How severe an option of this question is (0 when it marks no red flag)."""
        return self._rank.get(option_id, 0)

    # ------------------------------------------------------------------ reading
    def read(self, text: str, now: datetime) -> Reading:
        """Understand ``text`` as an answer to this question."""
        tokens = canonical_tokens(text)
        if not tokens:
            return _ask("unclear")
        phrase = " ".join(tokens)
        for step in (
            lambda: self._number(text, tokens),
            lambda: self._exact.get(phrase),
            lambda: self._number_word(tokens),
            lambda: _ask("clarify") if phrase in CLARIFY else None,
            lambda: self._doubt(tokens),
            lambda: self._quantity(tokens, now),
            lambda: self._lead_yes(tokens),
            lambda: self._sign_described(tokens),
            lambda: _ask("negated") if has_double_negation(tokens) else None,
            lambda: self._only_now(tokens),
            lambda: _ask("clarify") if _contains(tokens, CLARIFY_INSIDE) else None,
            lambda: self._lead_no(tokens),
            lambda: self._hedged_no(tokens),
            lambda: self._phrases_inside(tokens),
            lambda: self._affirmed(tokens),
            lambda: self._trailing(tokens),
            lambda: self._negated_only(tokens),
            lambda: self._typo(phrase),
        ):
            found = step()
            if found is not None:
                return found
        return _ask(self.question.reads or "unclear")

    def _number(self, text: str, tokens: list[str]) -> Reading | None:
        stripped = text.strip().rstrip(".)")
        if len(tokens) != 1 or not stripped.isdigit() or len(stripped) > 2:
            return None
        value = int(stripped)
        by_index = self._options[value - 1].id if 1 <= value <= len(self._options) else None
        by_count = None
        if self.question.reads == "count":
            by_count = self._covering((float(value), float(value)))
        if by_index and by_count and by_index != by_count:
            return _ask("number")  # "1": answer 1, or one drink a day?
        found = by_index or by_count
        return _record(found) if found else _ask("unclear")

    def _number_word(self, tokens: list[str]) -> Reading | None:
        # "six" asked how many a day
        if self.question.reads != "count" or len(tokens) != 1:
            return None
        value = NUMBER_WORDS.get(tokens[0])
        found = self._covering((float(value), float(value))) if value is not None else None
        return _record(found) if found else None

    def _doubt(self, tokens: list[str]) -> Reading | None:
        if self._unsure is None:
            return None
        words = list(tokens)
        for hedge in HEDGE_INSIDE:  # "not that I know of" is a hedged no, not doubt
            _blank(words, hedge.split())
        for i, word in enumerate(words):  # "maybe 5 hours", "4 hours maybe": an estimate
            near = words[max(0, i - 4) : i] + words[i + 1 : i + 2]
            if word in _ESTIMATES and any(_is_amount(w) for w in near if w):
                words[i] = ""
        if not _contains(words, DOUBT_INSIDE):
            return None
        unobserved = self._unobserved_inside(tokens)
        if unobserved is not None:  # "I sleep alone, so no idea": nobody could tell
            return _read_back(unobserved)
        return _record(self._unsure)

    def _unobserved_inside(self, tokens: list[str]) -> str | None:
        plain, _ = self._matches_inside(tokens)
        found = [o.id for o in self._options if o.unobserved and o.id in plain]
        return found[0] if found else None

    def _quantity(self, tokens: list[str], now: datetime) -> Reading | None:
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
            return _ask(reads)
        most = max(touched, key=lambda o: (self._rank[o.id], o.trigger is not None))
        if len(touched) > 1:
            return _read_back(most.id)  # straddles a boundary: never the milder side
        if reads == "count" and CLAUSE_BREAKS & set(tokens):
            return _ask("count")  # "I used to drink 6 a day but now none"
        negated = any(t in NEGATORS for t in tokens) and "even" not in tokens
        unsure = negated or bool(_EPISODE_ENDED & set(tokens))  # "it went away after a day"
        return _read_back(most.id) if unsure and self.warning else _record(most.id)

    def _covering(self, value: Range) -> str | None:
        return next((o.id for o in self._options if o.has_range and o.covers(*value)), None)

    def _lead_yes(self, tokens: list[str]) -> Reading | None:
        if tokens[0] not in LEAD_YES or self._yes is None:
            return None
        rest = tokens[1:]
        if rest and rest[0] in LEAD_NO:
            return _ask("mixed")  # "yeah, no"
        if rest and _contains(rest, NO_HEDGED):
            return _ask("mixed")
        inside = self._options_inside(rest)
        if not inside or inside == {self._yes}:
            return _record(self._yes)
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
                return _record(other.id)  # "yes, a nasal spray": the more specific answer
        return _ask("mixed")

    def _sign_described(self, tokens: list[str]) -> Reading | None:
        if not self.warning or self._sign is None or self.question.reads:
            return None
        strong, past = sign_cues(tokens)
        if not strong and not past:
            return None
        plain, _ = self._matches_inside(tokens)
        if not strong and plain and all(self.rank(o) < self.rank(self._sign) for o in plain):
            return None  # "it came on slowly": a past tense, and the milder answer's words
        said_no = tokens[0] in LEAD_NO and len(tokens) > 1 and not LEAD_YES & set(tokens)
        if said_no and tokens[1] not in SIGN_WORDS | FUNCTION_WORDS:
            return _ask("mixed")  # "no, I can't close it": the words disagree
        return _read_back(self._sign)

    def _only_now(self, tokens: list[str]) -> Reading | None:
        # "not right now", "I'm fine now": the question may count earlier episodes too.
        if not self.warning or not NOW_WORDS & set(tokens):
            return None
        negated = any(t in NEGATORS for t in tokens) or _contains(tokens, NO_HEDGED)
        return _ask("when") if negated else None

    def _lead_no(self, tokens: list[str]) -> Reading | None:
        if tokens[0] not in LEAD_NO or self._no is None:
            return None
        rest = tokens[1:]
        if all(t in SAFE_AFTER_NO for t in rest):
            return _record(self._no)
        if LEAD_YES & set(rest) or _contains(rest, _AFFIRMING):
            return _ask("mixed")  # "nah yeah", "no it does"
        plain, _ = self._matches_inside(tokens)
        if plain - {self._no}:
            return _ask("mixed")  # "no, I'm not sleeping well"
        return _read_back(self._no) if self.warning else _record(self._no)

    def _hedged_no(self, tokens: list[str]) -> Reading | None:
        if self._no is None or not _contains(tokens, NO_HEDGED):
            return None
        inside = self._options_inside(tokens)
        if inside - {self._no}:
            return _ask("mixed")
        if not self.warning:
            return _record(self._no)
        if inside:  # "I've been told it doesn't": the answer's own words
            return _read_back(self._no)
        rest = list(tokens)
        for hedge in sorted(NO_HEDGED, key=len, reverse=True):
            _blank(rest, hedge.split())
        if _LIMITING & set(rest) or PAST_EPISODE & set(rest):
            return _ask("mixed")  # "not really, it was only for a day"
        return _read_back(self._no)

    def _phrases_inside(self, tokens: list[str]) -> Reading | None:
        plain, negated = self._matches_inside(tokens)
        if len(plain) == 1 and not negated:
            option_id = next(iter(plain))
            if self.warning or any(t in NEGATORS for t in tokens):
                return _read_back(option_id)
            return _record(option_id)
        if negated and not plain and self.warning:
            return None  # "not numb": a denial, read back below
        if plain or negated:
            return _ask("negated" if negated and not plain else "mixed")
        return None

    def _trailing(self, tokens: list[str]) -> Reading | None:
        # "my mum is in hospital so yeah", "not slurred, no": the answer word comes last.
        if len(tokens) < 2:
            return None
        last = tokens[-1]
        if last in LEAD_YES and self._yes and not any(t in NEGATORS for t in tokens):
            return _read_back(self._yes) if self.warning else _record(self._yes)
        if last in ANSWER_NO and self._no and not LEAD_YES & set(tokens):
            return _read_back(self._no)
        return None

    def _affirmed(self, tokens: list[str]) -> Reading | None:
        # "I know I do", "well it does": a yes inside a sentence, read back to be sure.
        if self._yes is None or any(t in NEGATORS for t in tokens):
            return None
        return _read_back(self._yes) if _contains(tokens, YES_INSIDE) else None

    def _negated_only(self, tokens: list[str]) -> Reading | None:
        # "I don't have any weakness": probably no, but only the person can say for sure;
        # "my eyebrow doesn't go up" describes something that does not work: ask.
        if not self.warning or self._no is None or not any(t in NEGATORS for t in tokens):
            return None
        return _read_back(self._no) if denies_plainly(tokens) else _ask("negated")

    def _typo(self, phrase: str) -> Reading | None:
        if len(phrase) < 3:
            return None
        limit = 2 if len(phrase) >= 8 else 1
        best: dict[str, int] = {}
        for known, reading in self._exact.items():
            if len(known) < 2 or reading.option_id is None:
                continue
            distance = OSA.distance(phrase, known, score_cutoff=limit)
            if distance <= limit:
                option_id = reading.option_id
                best[option_id] = min(distance, best.get(option_id, limit))
        if not best:
            return None
        nearest = min(best.values())
        closest = [option_id for option_id, d in best.items() if d == nearest]
        return _read_back(closest[0]) if len(closest) == 1 else None

    # ------------------------------------------------------------------ phrases inside
    def _options_inside(self, tokens: list[str]) -> set[str]:
        plain, negated = self._matches_inside(tokens)
        return plain | negated

    def _matches_inside(self, tokens: list[str]) -> tuple[set[str], set[str]]:
        """Options whose phrases stand in ``tokens``, split by whether a negation precedes
        them; a longer phrase hides the shorter ones it covers ("not sleeping well" hides
        "sleeping well")."""
        spans: list[tuple[int, int, str, bool]] = []
        for phrase, option_id in self._inner:
            size = len(phrase)
            for at in range(len(tokens) - size + 1):
                if tokens[at : at + size] == phrase:
                    own_negation = any(word in NEGATORS for word in phrase)
                    negated = not own_negation and negated_at(tokens, at) is not None
                    spans.append((at, at + size, option_id, negated))
        plain: set[str] = set()
        negated_ids: set[str] = set()
        for start, end, option_id, negated in spans:
            covered = any(
                s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in spans
            )
            if not covered:
                (negated_ids if negated else plain).add(option_id)
        return plain, negated_ids


_ESTIMATES = frozenset({"maybe", "perhaps", "possibly"})
_LIMITING = frozenset({"only", "just", "was", "were", "once", "sometimes", "mostly", "but"})
_EPISODE_ENDED = frozenset({"went", "gone", "stopped", "passed", "came", "used"})
_AFFIRMING = frozenset({"it does", "i do", "i have", "it has", "i am", "it is", "i did"})


def _is_amount(word: str) -> bool:
    if word.replace(".", "").isdigit():
        return True
    return word in NUMBER_WORDS and word not in {"no", "a", "an", "half", "pair", "single"}


def _find(words: list[str | None], phrase: list[str]) -> int | None:
    size = len(phrase)
    for i in range(len(words) - size + 1):
        if words[i : i + size] == phrase:
            return i
    return None


def _contains(tokens: list[str], phrases: frozenset[str]) -> bool:
    padded = f" {' '.join(t for t in tokens if t)} "
    return any(f" {p} " in padded for p in phrases)


def _blank(words: list[str], phrase: list[str]) -> None:
    at = _find(list(words), phrase)
    while at is not None:
        words[at : at + len(phrase)] = [""] * len(phrase)
        at = _find(list(words), phrase)


_COMMAND_WORDS: dict[str, type[Back | Restart | ShowSummary]] = {
    **dict.fromkeys(("back", "go back", "previous", "previous question", "undo"), Back),
    **dict.fromkeys(("restart", "start over", "start again", "begin again"), Restart),
    **dict.fromkeys(("summary", "show summary", "my answers", "show my answers"), ShowSummary),
}


def command_word(text: str) -> Back | Restart | ShowSummary | None:
    """The event a command typed as plain words asks for ("go back"), if any."""
    event = _COMMAND_WORDS.get(canonical(text.lstrip().lstrip("/")))
    return event() if event else None
