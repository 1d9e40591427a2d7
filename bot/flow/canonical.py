"""Typed text in canonical form: lower case, one kind of apostrophe, contractions and
common spellings made one ("cant" -> "can't", "I am" -> "i'm"), and a few idioms turned
into the plain words they mean ("bit by bit" -> "gradually"). Every word list of the flow
language is written, and every typed answer read, in this form.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\d+[.,]\d+|[a-z0-9]+(?:'[a-z]+)?")

# Spellings of one word, and two-word forms, mapped to one canonical token.
_SPELLINGS = {
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "havent": "haven't",
    "hasnt": "hasn't", "wont": "won't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "arent": "aren't", "werent": "weren't", "aint": "ain't",
    "im": "i'm", "ive": "i've", "its": "it's", "thats": "that's", "theres": "there's",
    "dunno": "don't know", "idk": "i don't know", "ya": "yeah", "yah": "yeah",
    "ok": "okay", "k": "okay", "u": "you", "r": "are", "cuz": "because", "coz": "because",
    "havnt": "haven't", "dosent": "doesn't", "dosnt": "doesn't", "nothings": "nothing's",
    "nobodys": "nobody's", "noone": "nobody", "kinda": "kind of", "sorta": "sort of",
    "hrs": "hours", "hr": "hour", "mins": "minutes", "wks": "weeks", "yrs": "years",
    "bout": "about", "abt": "about", "wen": "when", "evry": "every", "nite": "night",
    "lets": "let's", "def": "definitely", "defo": "definitely", "atm": "at the moment",
    "rn": "right now", "cpl": "couple", "coupla": "couple of", "tbh": "honestly",
    "gf": "girlfriend", "bf": "boyfriend", "hubby": "husband", "em": "them",
    "b4": "before", "reoccurring": "recurring", "reoccurs": "recurs",
}  # fmt: skip
_PAIRS = {
    ("can", "not"): "can't", ("do", "not"): "don't", ("does", "not"): "doesn't",
    ("did", "not"): "didn't", ("is", "not"): "isn't", ("was", "not"): "wasn't",
    ("have", "not"): "haven't", ("has", "not"): "hasn't", ("will", "not"): "won't",
    ("would", "not"): "wouldn't", ("could", "not"): "couldn't", ("are", "not"): "aren't",
    ("were", "not"): "weren't", ("i", "am"): "i'm", ("i", "have"): "i've",
    ("it", "is"): "it's", ("that", "is"): "that's", ("no", "one"): "nobody",
    ("no", "one's"): "nobody's", ("any", "more"): "anymore",
}  # fmt: skip


_NOT_NO = r"\b(?:wouldn'?t|would not|not|can'?t|cannot|couldn'?t) (?:say |exactly |a )?no\b"
_IDIOMS = (
    (re.compile(r"\b(?:bit by bit|little by little|step by step)\b"), "gradually"),
    # "nothing but stress", "never been so stressed": emphasis, not a denial
    (re.compile(r"\bnothing but\b"), "only"),
    (re.compile(r"\bnever (?:been|felt|slept) (?:more|so|this)\b"), "very"),
    (re.compile(r"\bcould(?:n'?t| not) (?:be|feel|get) (?:more|any more)\b"), "very"),
    # "definitely not, I'm sure": a no, however emphatic
    (
        re.compile(
            r"^\W*(?:definitely|defo?|absolutely|certainly|surely|of course) not\s*(?=[,.;!]|$)"
        ),
        "no",
    ),
    # "anything but gradual", "far from gradual": not gradual
    (re.compile(r"\b(?:anything but|far from)\b"), "not"),
    # "no longer", "none left", "at this point": only now (the emergency screen asks more)
    (re.compile(r"\b(?:no longer|any longer|no more(?! than)|none left)\b"), "anymore"),
    (re.compile(r"\bat this (?:point|time|minute|moment|stage)\b"), "now"),
    # "I wouldn't say no", "not exactly no": a double negation, not a no
    (re.compile(_NOT_NO), "not not"),
    (re.compile(r"\b(this|the|a|latest|last|another|new|current) bout\b"), r"\1 episode"),
    (re.compile(r"\bthe mo\b"), "the moment"),
    # "nooo", "nopeee", "yesss": read like the typo "noo" (read back, never recorded)
    (re.compile(r"\bnooo+\b"), "noo"),
    (re.compile(r"\bnopee+\b"), "nopee"),
    (re.compile(r"\byesss+\b"), "yess"),
    (re.compile(r"(\d)\s*/\s*(?:day|d)\b"), r"\1 a day"),  # "3/day"
    (re.compile(r"(\d)ish\b"), r"\1 ish"),  # "10ish"
    (re.compile(r"\s&\s"), " and "),
    (re.compile(r"\b(?:the )?same as (?:always|usual|ever|before)\b"), "as normal"),
    (re.compile("[🤔🫤😕]"), " not sure "),  # a puzzled face is doubt
    (re.compile(r"\bat the same time\b"), "together"),
    # "back to normal": an episode that passed
    (re.compile(r"\b(?:back to normal|normal again|cleared up|settled down)\b"), "recovered"),
)
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘`´ʼ′‛＇", "'"))
_NUMBER_RANGE = re.compile(r"(\d)\s*[-–]\s*(\d)")
_NUMBER_PLUS = re.compile(r"(\d+)\s*\+")
_WORD_PLUS = re.compile(r"(?<=[a-z])\s*\+")  # "10 days+"


def canonical_tokens(text: str) -> list[str]:
    """Words of ``text`` in canonical form: "I can not" -> ["i", "can't"]."""
    text = text.casefold().translate(_APOSTROPHES)
    text = _NUMBER_PLUS.sub(r"at least \1", _NUMBER_RANGE.sub(r"\1 to \2", text))
    text = _WORD_PLUS.sub(" plus", text)
    for pattern, replacement in _IDIOMS:
        text = pattern.sub(replacement, text)
    words: list[str] = []
    for raw in _WORD.findall(text):
        for word in _SPELLINGS.get(raw, raw).split():
            if words and (words[-1], word) in _PAIRS:
                words[-1] = _PAIRS[(words[-1], word)]
            else:
                words.append(word)
    return words


def canonical(text: str) -> str:
    """``text`` as one canonical phrase."""
    return " ".join(canonical_tokens(text))


def phrases(*items: str) -> frozenset[str]:
    """The canonical forms of ``items``, as one set."""
    return frozenset(canonical(item) for item in items)
