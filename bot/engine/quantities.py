"""Durations and counts in people's words, read as ranges.

``read_duration`` turns "a fortnight", "more than two weeks", "since March" (dates are
read in ``bot.engine.dates``) or "3-4 days" into a range of days; ``read_count`` turns
"5 coffees a day" or "a cup or two" into a range per day. A range, not a number, because
people are vague: "about two weeks" may be 12 days or 16, and the caller must not pick the
milder reading. A number that belongs to another topic ("5 coffees" when asked how long)
is never read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime

from bot.engine.dates import MONTHS, WEEKDAYS, Range, ordinal, since_dates

INF = float("inf")

NUMBER_WORDS = {
    "zero": 0, "no": 0, "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12,
    "half": 0.5, "couple": 2, "pair": 2,
}  # fmt: skip
_VAGUE = {"few": (2.0, 4.0), "several": (3.0, 7.0), "many": (5.0, INF), "lots": (5.0, INF)}
_DAYS_PER_UNIT = {
    "minute": 1 / 1440, "minutes": 1 / 1440, "min": 1 / 1440, "mins": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "day": 1, "days": 1,
    "night": 1, "nights": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "fortnight": 14,
    "fortnights": 14, "month": 30, "months": 30, "mo": 30, "mos": 30, "year": 365,
    "years": 365, "yr": 365, "yrs": 365,
}  # fmt: skip
# A plural unit without a number ("for weeks") means at least two of them.
_PLURAL_ALONE = {"days": 2, "nights": 2, "weeks": 2, "months": 2, "years": 2, "hours": 2}
_MOST_PER_DAY = 40
# Words that may follow a lone count: "4 a day", "3 per day", "2 or 3".
_RATE_WORDS = frozenset({"a", "an", "per", "each", "every", "daily", "or", "to", "and"})
# What may follow a number that takes the unit of another ("12 days, no wait, 16").
_AFTER_BARE_NUMBER = frozenset({"or", "maybe", "actually", "i", "no", "sorry", "now", "ish"})
_NOT_A_DRINK = frozenset({"addict", "lover", "drinker", "fan", "snob", "machine", "maker", "shop"})
_SEVERAL_CUPS = frozenset({"pot", "pots", "jug", "jugs", "carafe", "thermos", "flask", "litre"})
_AGE_LEADS = frozenset({"i'm", "age", "aged", "turned", "turning", "am"})
_FUTURE = frozenset({"tomorrow", "next", "soon"})
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
_PER_WEEK = (("a", "week"), ("per", "week"), ("each", "week"), ("every", "week"), ("weekly",))
_RANGE_JOINERS = frozenset({"or", "to", "and"})
_FILLERS = frozenset(
    {"of", "whole", "full", "more", "big", "good", "long", "odd", "double", "large", "small"}
)
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty"})
# Words after which "a week" is an amount of time, not a rate ("coffees a day").
_AMOUNT_LEADS = frozenset(
    {
        "for", "about", "around", "over", "than", "almost", "nearly", "past", "last", "only",
        "just", "like", "since", "least", "under", "maybe", "roughly", "approximately",
        "been", "had", "lasted", "started", "began", "begun", "going", "on", "it's", "and",
        "within", "whole", "even", "some", "ago", "took", "takes", "already", "full",
        "good", "close", "or", "is", "was", "it", "in", "after", "by",
    }
)  # fmt: skip


def read_duration(tokens: Sequence[str], now: datetime) -> Range | None:
    """How many days ``tokens`` say something has lasted, as a range; None if they don't."""
    found: list[Range] = []
    last_unit = None
    for i, token in enumerate(tokens):
        unit = _DAYS_PER_UNIT.get(token)
        if unit is None:
            continue
        amount = _amount_before(tokens, i)
        if amount is None:
            if token not in _PLURAL_ALONE:
                continue
            amount = (float(_PLURAL_ALONE[token]), INF)
        found.append(_modified(tokens, i, (amount[0] * unit, amount[1] * unit)))
        last_unit = unit
    if last_unit is not None:  # "12 days. no wait, 16", "a week, maybe two": the same unit
        first_unit = next(i for i, t in enumerate(tokens) if t in _DAYS_PER_UNIT)
        for i, token in enumerate(tokens):
            spelled = i > first_unit and is_amount(token)
            value = _number(token) if _DECIMAL.match(token) or spelled else None
            alone = i + 1 == len(tokens) or tokens[i + 1] in _AFTER_BARE_NUMBER
            if value is not None and alone and not _in_range_phrase(tokens, i):
                found.append((value * last_unit, value * last_unit))
    dated = since_dates(tokens, now.date())
    if _ESTIMATED & set(tokens):  # "since about the 15th": it may have been earlier
        dated = [(low, high * _ABOUT) for low, high in dated]
    found.extend(dated)
    if not found:
        return None
    low, high = min(r[0] for r in found), max(r[1] for r in found)
    if _FUTURE & set(tokens) or any(
        a == "on" and b in WEEKDAYS for a, b in itertools.pairwise(tokens)
    ):  # "a fortnight on Sunday": not yet that long
        low = max(0.0, low - 7)
    return low, high


def read_count(tokens: Sequence[str], count_words: frozenset[str]) -> Range | None:
    """How many a day ``tokens`` say ("5 coffees", "a cup or two"), as a range; None if not.

    Amounts next to one of ``count_words`` are added up ("2 coffees and a tea" = 3); a
    lone number counts only when nothing else does and no time unit follows it.
    """
    low = high = 0.0
    counted = False
    for i, token in enumerate(tokens):
        pair = f"{tokens[i - 1]} {token}" if i > 0 else ""
        if pair in count_words:
            at = i - 1
        elif (
            token in count_words
            and f"{token} {tokens[i + 1] if i + 1 < len(tokens) else ''}" not in count_words
        ):
            at = i
        else:
            continue
        if at >= 2 and tokens[at - 1] == "of" and count_words & set(tokens[max(0, at - 5) : at]):
            continue  # "3 cups of tea", "a mug or two of tea": counted with the cups
        if tokens[at + 1 : at + 2] and tokens[at + 1] in _NOT_A_DRINK:
            continue  # "a coffee addict"
        amount = _amount_before(tokens, at) or _amount_before_described(tokens, at, count_words)
        if amount is not None:
            amount = _modified(tokens, at, amount)  # "less than 2 cups", "3 coffees or more"
            low, high, counted = low + amount[0], high + amount[1], True
    if not counted:
        lone = [i for i, t in enumerate(tokens) if _lone_count(tokens, i)]
        if len(lone) == 2 and lone[1] == lone[0] + 2 and tokens[lone[0] + 1] in _RANGE_JOINERS:
            lone = lone[1:]  # "4 or 5": read with the first
        if len(lone) != 1:
            return None
        amount = _amount_before(tokens, lone[0] + 1)
        if amount is None:
            return None
        low, high = _modified(tokens, lone[0], amount)
    if any(tuple(tokens[j : j + len(p)]) == p for p in _PER_WEEK for j in range(len(tokens))):
        low, high = low / 7, high / 7
    return low, high


def _lone_count(tokens: Sequence[str], i: int) -> bool:
    """Whether ``tokens[i]`` is a number standing alone as a count: "5", "like five",
    "2 a day"; not a year, an age ("I'm 30") or a phone number."""
    word = tokens[i]
    value = _number(word) if _DECIMAL.match(word) or is_amount(word) else None
    return (
        value is not None
        and value <= _MOST_PER_DAY
        and (i + 1 == len(tokens) or tokens[i + 1] in _RATE_WORDS | {"ish"})
        and not (i > 0 and tokens[i - 1] in _AGE_LEADS | {"not", "no"})  # "not one"
    )


def _amount_before_described(
    tokens: Sequence[str], end: int, count_words: frozenset[str]
) -> Range | None:
    """The amount before a word or two describing what is counted: "2 filter coffees",
    "a diet coke", "4 oat lattes"."""
    for start in (end - 1, end - 2):
        between = tokens[max(0, start) : end]
        if start < 1 or not all(
            w.isalpha()
            and w not in count_words | _SEVERAL_CUPS
            and w not in _DAYS_PER_UNIT
            and _number(w) is None
            for w in between
        ):
            return None  # "a pot of coffee" is no single cup
        amount = _amount_before(tokens, start)
        if amount is not None:
            return amount
    return None


def _amount_before(tokens: Sequence[str], end: int) -> Range | None:
    """The amount that stands just before ``tokens[end]``: "3", "two or three", "a few"."""
    i = end - 1
    while i >= 0 and tokens[i] in _FILLERS:
        i -= 1
    if i < 0:
        return None
    word = tokens[i]
    if word in _VAGUE:
        return _VAGUE[word]
    value = _number(word)
    if value is None:
        return None
    if word in {"a", "an"}:
        if i > 0 and tokens[i - 1] == "half":  # "half a day"
            value = 0.5
        elif not _starts_amount(tokens, i, end):  # "5 coffees a day" is a rate
            return None
    elif i > 0 and tokens[i - 1] in _TENS and value < 10:  # "twenty one"
        value += NUMBER_WORDS[tokens[i - 1]]
    elif word == "half" and i >= 3 and tokens[i - 2 : i] == ["and", "a"]:  # "two and a half"
        whole = _number(tokens[i - 3])
        value = 0.5 + (whole or 0.0)
    if i >= 2 and tokens[i - 1] in _RANGE_JOINERS and (other := _number(tokens[i - 2])) is not None:
        return min(other, value), max(other, value)
    if end + 2 < len(tokens) + 1 and tokens[end + 1 : end + 2] == ["or"]:  # "a day or two"
        other = _number(tokens[end + 2]) if end + 2 < len(tokens) else None
        if other is not None:
            return min(other, value), max(other, value)
    return value, value


def _in_range_phrase(tokens: Sequence[str], i: int) -> bool:
    """Whether the number at ``i`` is the first of "2 or 3 weeks" (read with its unit)."""
    return (
        i + 2 < len(tokens)
        and tokens[i + 1] in _RANGE_JOINERS
        and bool(_DECIMAL.match(tokens[i + 2]) or tokens[i + 2] in NUMBER_WORDS)
    )


def _starts_amount(tokens: Sequence[str], a_at: int, unit_at: int) -> bool:
    """Whether "a" in "... a week" is an amount ("for a week") rather than a rate."""
    if unit_at + 1 < len(tokens) and tokens[unit_at + 1] == "ago":
        return True
    return a_at == 0 or tokens[a_at - 1] in _AMOUNT_LEADS


def is_unit(word: str) -> bool:
    """Whether a word is a unit of time ("days", "fortnight")."""
    return word in _DAYS_PER_UNIT


def is_time_word(word: str) -> bool:
    """Whether a word belongs to saying when or how long: a unit, a number, a weekday, a
    month or a day of the month ("days", "three", "monday", "march", "10th")."""
    return (
        word in _DAYS_PER_UNIT
        or word in NUMBER_WORDS
        or word in WEEKDAYS
        or word in MONTHS
        or word in {"may", "summer", "winter", "spring", "autumn", "fall", "christmas", "xmas"}
        or ordinal(word) is not None
    )


def is_amount(word: str) -> bool:
    """Whether a word states an amount ("5", "three"), as in "maybe 5 hours"."""
    if word.replace(".", "").isdigit():
        return True
    return word in NUMBER_WORDS and word not in {"no", "a", "an", "half", "pair", "single"}


def _number(word: str) -> float | None:
    if _DECIMAL.match(word):
        return float(word.replace(",", "."))
    value = NUMBER_WORDS.get(word)
    return None if value is None else float(value)


def _modified(tokens: Sequence[str], unit_at: int, value: Range) -> Range:
    """Apply "more than", "less than", "about"… found shortly before the amount, and
    "or more", "at least", "or so"… just after it."""
    window = " ".join(tokens[max(0, unit_at - 6) : unit_at])
    after = " ".join(_words_after(tokens, unit_at))
    low, high = value
    if _OPEN_AFTER.search(after):  # "10 days or more", "a week plus", "10 days, maybe longer"
        return low, INF
    if _ABOUT_AFTER.search(after):  # "13 days or so"
        return low * 0.7, high * _ABOUT
    if re.search(r"\b(no|not) (less|fewer|shorter) than\b", window):  # "no less than 10 days"
        return low, INF
    if re.search(r"\b(more than|over|longer than|at least|upwards of|plus|minimum)\b", window):
        return (low if "at least" in window else low + 1e-6, INF)
    if re.search(r"\b(less than|under|not even|shorter than|within|shy of)\b", window) or (
        "yet" in tokens and re.search(r"\b(not|hasn't|haven't|isn't)\b", window)
    ):  # "it's not been two weeks yet"
        return 0.0, low - 1e-6
    if re.search(
        r"\b(about|around|roughly|approximately|approx|like|maybe|some|almost"
        r"|nearly|close to|or so|ish)\b",
        window,
    ):
        return low * 0.7, high * _ABOUT
    return low, high


# "about 12 days" may be two weeks: an estimate reaches a quarter above the number said.
_ABOUT = 1.25
_ESTIMATED = frozenset({"about", "around", "roughly", "approximately", "approx", "ish"})
_OPEN_AFTER = re.compile(
    r"^(?:ago )?(?:or |and |no )?(?:maybe |probably |possibly |perhaps |even |if not |actually "
    r"|prob )?(?:more|longer|over|plus|at least|at the least|at the very least|minimum"
    r"|and counting|and more|upwards|earlier)\b"
)
_ABOUT_AFTER = re.compile(
    r"^(?:ago )?(?:or so|ish|give or take|roughly|approximately|or thereabouts)\b"
)
_AFTER_STOP = frozenset(_DAYS_PER_UNIT) | frozenset(NUMBER_WORDS) - {"a", "an", "no"}


def _words_after(tokens: Sequence[str], unit_at: int) -> list[str]:
    """Up to four words after a unit, before the next amount or unit."""
    words: list[str] = []
    for word in tokens[unit_at + 1 : unit_at + 5]:
        if word in _AFTER_STOP or _DECIMAL.match(word):
            break
        words.append(word)
    return words
