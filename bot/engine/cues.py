"""Whole-answer cues that keep a milder answer from being read out of typed text.

Each one answers a narrow question about the words: did the twitching come before the
spell now counted ("it's back since Monday")? did someone see it asleep after all ("I
sleep alone but my daughter saw it")? do words stand around a milder answer that it does
not explain ("no, my leg drags")?
"""

from __future__ import annotations

import re

from bot.engine.phrasebook import contains
from bot.flow.lexicon import (
    BENIGN_WORDS,
    BODY_PARTS,
    CLAUSE_BREAKS,
    FUNCTION_WORDS,
    NARROWING,
    NEGATORS,
    RECURRENCE_PHRASES,
    RECURRENCE_WORDS,
    SIGHTING_WORDS,
    STATE_WORDS,
    canonical_tokens,
)
from bot.flow.negation import negated_at

# After "just", "only"… a word must belong to the answer read or to the twitch itself:
# "no, just the twitch" is a no, "no, just my face" (asked about numbness) may not be.
_LIMITERS = frozenset({"just", "only", "except", "apart", "besides"})
_AFTER_LIMITER = frozenset({
    "the", "my", "a", "an", "in", "of", "that", "it", "this", "is", "it's", "i", "i'm",
    "thanks", "thank", "you", "very", "really", "so", "bit", "quite", "from", "just", "only",
    "for", "about", "twitch", "twitches", "twitching", "twitchy", "spasm", "spasms", "nose",
    "nostril", "nostrils", "annoying", "irritating", "worried", "concerned", "upper",
    "flickers", "flicker", "flickering", "thing",
})  # fmt: skip
# Numbers, months and weekdays tell when, not what: "no, I'm 24", "slowly since October".
_ORDINARY = re.compile(
    r"\d+(?:[.,]\d+)?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day|summer|winter|spring|autumn"
)
_UNITS_BEFORE_BACK = frozenset({"day", "days", "week", "weeks", "month", "months", "ago"})
_CLAUSE_END = re.compile(r"(?:(?<!\d)[.,](?!\d)|[;:!?\n])+|\s[-–—]\s")


def mentions_recurrence(tokens: list[str]) -> bool:
    """Whether the words say the twitching was there before the spell they time:
    "started again 3 days ago", "this bout: 4 days", "3 days ago it got worse"."""
    for i, token in enumerate(tokens):
        if token in RECURRENCE_WORDS and negated_at(tokens, i) is None:
            return True  # "never had it before" is a first time
    words = [
        t for i, t in enumerate(tokens) if t != "back" or tokens[i - 1] not in _UNITS_BEFORE_BACK
    ]
    return contains(words, RECURRENCE_PHRASES)  # "3 days back" is "3 days ago"


def someone_saw(tokens: list[str]) -> bool:
    """Whether the words tell of a sighting, or turn after "but": "I sleep alone, but my
    daughter saw it", "nobody, though my husband mentioned it once"."""
    if CLAUSE_BREAKS & set(tokens):
        return True
    return any(t in SIGHTING_WORDS and negated_at(tokens, i) is None for i, t in enumerate(tokens))


def unexplained(
    tokens: list[str], explained: frozenset[str], filler: frozenset[str] = frozenset()
) -> list[str]:
    """The words that neither the answer read (``explained``), everyday filler nor a
    negation ("no sagging", "no arm weakness") covers; ``filler`` adds words that are
    filler in this answer.

    After "just", "only"… and for the rest of a clause after "but", a word must belong to
    the answer read or to the twitch itself, negated or not: "no, just the twitch" and "no,
    but it's annoying" are a no; "no, just my face" (asked about numbness), "no, I can
    smile but not on the left" and "no, but my wife said it twitches at night" may not be."""
    found = []
    turned = False
    stated = bool(STATE_WORDS & set(tokens))
    for i, token in enumerate(tokens):
        if token in CLAUSE_BREAKS:
            turned = True
        elif token in NARROWING:
            found.append(token)  # "goes down fine, usually"
        elif turned:
            if token not in _AFTER_LIMITER and token not in explained:
                found.append(token)
        elif token in explained or negated_at(tokens, i) is not None:
            continue
        elif _LIMITERS & set(tokens[max(0, i - 3) : i]):
            if token not in _AFTER_LIMITER:
                found.append(token)
        elif token in BODY_PARTS:
            if not (stated or any(t in NEGATORS for t in tokens[:i])):
                found.append(token)  # "not my face, my arm", "eyebrow no"
        elif not (
            token in BENIGN_WORDS
            or token in FUNCTION_WORDS
            or token in filler
            or _ORDINARY.fullmatch(token)
        ):
            found.append(token)
    return found


def clauses(text: str) -> list[list[str]]:
    """The canonical words of each clause of ``text``. A negation does not reach past a
    comma ("not numb, tingly"), and a later clause starts with "and", so that its "no" reads
    as inside a sentence ("no arm, no leg weakness"), not as the answer."""
    parts = [canonical_tokens(part) for part in _CLAUSE_END.split(text)]
    first, *later = [words for words in parts if words] or [[]]
    return [first, *(["and", *words] for words in later)]
