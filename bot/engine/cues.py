"""Whole-answer cues that keep a milder answer from being read out of typed text.

Each one answers a narrow question about the words: did the twitching come before the
spell now counted ("it's back since Monday")? did someone see it asleep after all ("I
sleep alone but my daughter saw it")? do words stand around a milder answer that it does
not explain ("no, my leg drags")? does a duration say more than when ("5 days, happens
when I'm stressed")? Clauses are read one by one: a negation stops at a comma.
"""

from __future__ import annotations

import re

from bot.engine.phrasebook import contains, find
from bot.engine.quantities import is_time_word
from bot.flow.canonical import canonical_tokens
from bot.flow.filler_words import BENIGN_WORDS, BODY_PARTS, NARROWING, SIGHTING_WORDS, STATE_WORDS
from bot.flow.lexicon import AFFIRMING, CLAUSE_BREAKS, FUNCTION_WORDS, NEGATORS, SIGN_WORDS
from bot.flow.negation import negated_at
from bot.flow.time_words import RECURRENCE_PHRASES, RECURRENCE_WORDS, TIME_WORDS

# After "just", "only"… a word must belong to the answer read or to the twitch itself:
# "no, just the twitch" is a no, "no, just my face" (asked about numbness) may not be.
_LIMITERS = frozenset({"just", "only", "except", "apart", "besides"})
_AFTER_LIMITER = frozenset({
    "the", "my", "a", "an", "in", "of", "that", "it", "this", "is", "it's", "i", "i'm",
    "thanks", "thank", "you", "very", "really", "so", "bit", "quite", "from", "just", "only",
    "for", "about", "twitch", "twitches", "twitching", "twitchy", "spasm", "spasms",
    "annoying", "irritating", "worried", "concerned", "flickers", "flicker", "flickering",
})  # fmt: skip
# Numbers tell how many, not what: "no, I'm 24".
_ORDINARY = re.compile(r"\d+(?:[.,]\d+)?")
# What a clause may deny about a part of the body: "no weakness in my arms", "nothing wrong
# with my legs", "no issues with my eyes".
_DENIED = SIGN_WORDS | FUNCTION_WORDS | {"issue", "issues", "wrong", "anything", "trouble"}
_AFFIRMING = [p.split() for p in AFFIRMING]
_UNITS_BEFORE_BACK = frozenset({"day", "days", "week", "weeks", "month", "months", "ago"})
# Commas, stops, dashes, brackets, slashes, ellipses and emoji end a clause.
_CLAUSE_END = re.compile(r"(?:(?<!\d)[.,](?!\d)|[;:!?\n…()/—–]|[^\w\s'’`´ʼ.,-])+|\s-\s")


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
    smile but not on the left" and "no, but my wife said it twitches at night" may not be.
    A part of the body or a function is filler only where the clause calls it fine or
    denies something about it: "no weakness in my arms", "both eyes close fine", but not
    "no, my hand", "legs are fine, walking isn't" or "not my face, my arm"."""
    found = []
    turned = False
    for i, token in enumerate(tokens):
        if token in CLAUSE_BREAKS:
            turned = True
        elif token in NARROWING:
            found.append(token)  # "goes down fine, usually"
        elif turned:
            if token not in _AFTER_LIMITER and token not in explained:
                found.append(token)
        elif _LIMITERS & set(tokens[max(0, i - 3) : i]):
            if token not in _AFTER_LIMITER and token not in explained:
                found.append(token)  # "no, apart from smiling"
        elif token in BODY_PARTS or token in FUNCTION_WORDS:
            if token not in explained and not _settled(tokens, i, token in BODY_PARTS):
                found.append(token)
        elif token in explained or negated_at(tokens, i) is not None:
            continue
        elif not (token in BENIGN_WORDS or token in filler or _ORDINARY.fullmatch(token)):
            found.append(token)
    return found


def _settled(tokens: list[str], i: int, part: bool) -> bool:
    """Whether the body ``part`` or function at ``i`` is filler: no negation after it ("my
    face is fine, my mouth isn't", "walking isn't"), no contrast ("not my face, my arm"),
    and, for a part, called fine or something about it denied ("no weakness in my arms")."""
    after = tokens[i + 1 :]
    if any(t in NEGATORS and after[k + 1 : k + 2] != ["problem"] for k, t in enumerate(after)):
        return False  # (but "I lift weights, no problem")
    if tokens[i - 2 : i] in (["not", "my"], ["not", "the"]) or tokens[i - 1 : i] == ["not"]:
        return False  # "not my face, my arm": a contrast, not a denial
    if not part or STATE_WORDS & set(tokens):
        return True  # "I can smile", "both eyes close fine"
    denied = [
        j for j, t in enumerate(tokens[:i]) if t in _DENIED and negated_at(tokens, j) is not None
    ]
    return bool(denied) or negated_at(tokens, i) is not None  # "no weakness in my arms"


def untimed(tokens: list[str], explained: frozenset[str]) -> list[str]:
    """The words of a duration answer that tell more than when ("5 days, happens when I'm
    stressed"), beside those of the answer read (``explained``)."""
    return [
        t
        for t in tokens
        if not (
            t in explained
            or t in BENIGN_WORDS
            or t in TIME_WORDS
            or is_time_word(t)
            or _ORDINARY.fullmatch(t)
        )
    ]


def affirms(words: list[str]) -> bool:
    """Whether the words say "it does", "I have"… not denied right after ("I have had no
    trouble" denies)."""
    for phrase in _AFFIRMING:
        at = find(words, phrase)
        if at is not None and not NEGATORS & set(words[at + len(phrase) : at + len(phrase) + 3]):
            return True
    return False


def clauses(text: str) -> list[list[str]]:
    """The canonical words of each clause of ``text``. A negation does not reach past a
    comma ("not numb, tingly"), and a later clause starts with "and", so that its "no" reads
    as inside a sentence ("no arm, no leg weakness"), not as the answer."""
    parts = [canonical_tokens(part) for part in _CLAUSE_END.split(text)]
    first, *later = [words for words in parts if words] or [[]]
    return [first, *(["and", *words] for words in later)]
