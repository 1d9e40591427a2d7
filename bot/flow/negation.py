"""How far a negation reaches, and whether words describe a warning sign being there.

"no weakness" denies the sign; "not much feeling", "it won't close" and "not fully"
describe it; "no, just a funny turn" answers and then tells. The word lists are in
``bot.flow.lexicon``.
"""

from __future__ import annotations

import itertools

from bot.flow.lexicon import (
    ANSWER_NO,
    CLAUSE_BREAKS,
    DEGREE_WORDS,
    DENIAL_WORDS,
    FUNCTION_WORDS,
    INABILITY,
    LEAD_NO,
    LIMITING_NEGATORS,
    NEGATORS,
    PAST_EPISODE,
    SIGN_WORDS,
)

_DOUBT_FOLLOWERS = frozenset({"know", "sure", "idea", "remember", "clue"})
# Functions named as things: "no sensation" describes the sign even after an answering "no".
FUNCTION_NOUNS = frozenset({
    "feeling", "feelings", "sensation", "movement", "grip", "strength", "power", "control",
    "coordination", "energy", "oomph", "puff",
})  # fmt: skip
# "not that bad", "not so weak": a negation that only lowers the degree.
_DEGREE_BEFORE = frozenset({"that", "too", "so", "very", "really"})
_DEGREE_SIGNS = SIGN_WORDS - {"sudden", "suddenly", "abrupt", "abruptly"}
# What a function is said not to be when it is missing ("the feeling isn't there").
_ABSENT = frozenset({"there", "present", "right", "normal", "working", "good", "great", "same"})
_PRONOUNS = frozenset({"it", "it's", "i", "i'm", "i've", "he", "she", "they", "we", "you"})
# Words a negation reaches across in a list of signs: "no numbness or tingling".
_LISTED = SIGN_WORDS | FUNCTION_NOUNS | {"or", "nor", "any"}


def negated_at(tokens: list[str], index: int, reach: int = 3) -> int | None:
    """Where a negating word stands shortly before ``tokens[index]``, if one does.

    An answering "no" negates only the next word ("no weakness", "no, just a funny turn"),
    a "no" inside the sentence the next two ("no leg weakness");
    "but" and its kin end a negation's reach."""
    for j in range(index - 1, max(-1, index - reach - 1), -1):
        word = tokens[j]
        if word in CLAUSE_BREAKS:
            return None
        listed = all(t in _LISTED for t in tokens[j + 1 : index])  # "no numbness or tingling"
        too_far = word in ANSWER_NO and index - j > (1 if j == 0 else 2) and not listed
        if word in ANSWER_NO and tokens[j + 1] in _PRONOUNS:
            continue  # "he said no, it still twitches": an answer, then a sentence
        if word in NEGATORS and not too_far:
            if j + 1 < index and tokens[j + 1] in _DOUBT_FOLLOWERS:
                continue  # "don't know, I sleep alone": doubt, not a negated clause
            return j
    return None


def sign_cues(tokens: list[str]) -> tuple[bool, bool]:
    """(strong, past): whether the words may describe a warning sign being there.

    Strong: inability, a sign named without negation, a function negated ("not much
    feeling"), or a negation that only limits ("not fully", "not just the twitch").
    Past: an episode that came and went ("it went away", "yesterday")."""
    strong = past = False
    for i, token in enumerate(tokens):
        past = past or token in PAST_EPISODE
        negator = negated_at(tokens, i)
        if token in INABILITY or (token in SIGN_WORDS and negator is None):
            strong = True
        elif token in _DEGREE_SIGNS and negator == i - 2 and tokens[i - 1] in _DEGREE_BEFORE:
            strong = True  # "not that bad", "not too weak": some of it
        elif token in FUNCTION_NOUNS and _absent_after(tokens, i):
            strong = True  # "the feeling isn't there"
        elif token in FUNCTION_WORDS:
            if negator == 0 and tokens[0] in ANSWER_NO and token not in FUNCTION_NOUNS:
                negator = None  # "no, stays by the nose": the answer, then a sentence
            if token == "see" and tokens[i + 1 : i + 2] in (["any"], ["anything"], ["it"]):
                continue  # "I don't see any": a denial, not lost sight
            named = negator is not None and not SIGN_WORDS & set(tokens[negator:i])
            strong = strong or named or "nothing" in tokens[i + 1 : i + 3]
        elif token in DEGREE_WORDS:
            near = negated_at(tokens, i, reach=1 if token == "like" else 3)
            limits = near is not None and tokens[near] in LIMITING_NEGATORS
            # "not weak, just twitchy": the negation denied the sign; "just" starts anew
            limits = limits and not SIGN_WORDS & set(tokens[(near or 0) + 1 : i])
            if token == "like" and near is not None and tokens[near] in {"nothing", "nobody"}:
                limits = False  # "nothing like that" denies
            strong = strong or (limits and tokens[i - 1 : i + 1] != ["at", "all"])
    return strong, past


def _absent_after(tokens: list[str], i: int) -> bool:
    """Whether a function named at ``i`` is said to be missing: "the feeling isn't there"."""
    after = tokens[i + 1 : i + 4]
    return any(
        word in NEGATORS and after[j + 1 : j + 2] and after[j + 1] in _ABSENT
        for j, word in enumerate(after)
    )


def describes_sign(tokens: list[str]) -> bool:
    """Whether the words may describe a warning sign being there (see ``sign_cues``)."""
    return any(sign_cues(tokens))


def denies_plainly(tokens: list[str]) -> bool:
    """Whether every negation in the words denies ("I don't have any", "no drooping")
    rather than describing something that does not work ("my eyebrow doesn't go up")."""
    for i, token in enumerate(tokens):
        if token not in NEGATORS or (token in ANSWER_NO and i == 0):
            continue
        after = next((t for t in tokens[i + 1 :] if t not in {"even", "ever", "always"}), None)
        if after is not None and after not in DENIAL_WORDS | SIGN_WORDS | NEGATORS:
            return False
    return True


def has_double_negation(tokens: list[str]) -> bool:
    """Two negations close together ("I'm not not stressed", "it doesn't not spread")."""
    found = [
        i
        for i, t in enumerate(tokens)
        if t in NEGATORS and t not in ANSWER_NO and not (i == 0 and t in LEAD_NO)
    ]
    return any(b - a <= 3 for a, b in itertools.pairwise(found))
