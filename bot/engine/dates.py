"""Dates in people's words, as how many days ago: "since Monday", "since the 1st of
November", "since March", "since 2023", "last week". A range, because "since March" may
mean its first day or its last."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

Range = tuple[float, float]

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS.pop("may", None)  # "may" is far more often a verb than the month
_RELATIVE_DAYS = {
    "today": (0.0, 1.0), "tonight": (0.0, 1.0), "yesterday": (1.0, 2.0),
    "this morning": (0.0, 1.0), "last night": (0.5, 1.5), "this week": (0.0, 7.0),
    "last week": (7.0, 14.0), "the weekend": (1.0, 7.0), "last weekend": (1.0, 9.0),
    "this month": (0.0, 31.0), "last month": (28.0, 62.0), "this year": (0.0, 365.0),
    "last year": (365.0, 730.0), "christmas": (0.0, 365.0), "the summer": (0.0, 365.0),
}  # fmt: skip
_DATED = frozenset({"since", "started", "began", "begun", "start", "from"})


def since_dates(tokens: Sequence[str], today: date) -> list[Range]:
    """Ranges for "since Monday", "since March", "since 2023", "since last week"…"""
    text = " ".join(tokens)
    found = [span for phrase, span in _RELATIVE_DAYS.items() if re.search(rf"\b{phrase}\b", text)]
    dated = bool(_DATED & set(tokens))
    if dated and not MONTHS.keys() & set(tokens):  # "since the 10th": this month, or last
        day = next((d for t in tokens if (d := ordinal(t)) is not None), None)
        if day is not None:
            month = today.month if day <= today.day else (today.month - 2) % 12 + 1
            found.extend(filter(None, [_since_date(month, day, today)]))
    for i, token in enumerate(tokens):
        after_since = dated or (i > 0 and tokens[i - 1] in {"since", "from", "in", "last"})
        if token in WEEKDAYS and after_since:
            back = (today.weekday() - WEEKDAYS[token]) % 7 or 7
            extra = 7 if i > 0 and tokens[i - 1] == "last" else 0
            found.append((float(back), float(back + extra)))
        elif token in MONTHS:  # "since March", "all through October": it was there then
            day = _day_of_month(tokens, i)
            found.append(
                _since_date(MONTHS[token], day, today) or _since_month(MONTHS[token], today)
            )
        elif after_since and token.isdigit() and 1900 < int(token) <= today.year:
            start, end = date(int(token), 1, 1), date(int(token), 12, 31)
            found.append((float(max(0, (today - end).days)), float((today - start).days)))
    return found


def _day_of_month(tokens: Sequence[str], month_at: int) -> int | None:
    """The day in "the 1st of November", "3 March", "November 3rd", if given."""
    near = [*tokens[max(0, month_at - 3) : month_at], *tokens[month_at + 1 : month_at + 2]]
    return next((day for word in near if (day := ordinal(word, bare=True)) is not None), None)


def ordinal(word: str, bare: bool = False) -> int | None:
    """The day in "10th" (or "10" when ``bare``), if it is one."""
    found = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)?", word)
    if not found or not (found.group(2) or bare) or not 1 <= int(found.group(1)) <= 31:
        return None
    return int(found.group(1))


def _since_date(month: int, day: int | None, today: date) -> Range | None:
    if day is None or day > calendar.monthrange(today.year, month)[1]:
        return None
    start = date(today.year, month, day)
    if start > today:
        start = date(today.year - 1, month, min(day, calendar.monthrange(today.year - 1, month)[1]))
    days = float((today - start).days)
    return days, days


def _since_month(month: int, today: date) -> Range:
    year = today.year if month <= today.month else today.year - 1
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return float(max(0, (today - last).days)), float((today - first).days)
