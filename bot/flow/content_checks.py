"""Checks of what a flow says and understands: sources, synonyms and amount ranges."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable

from bot.flow.canonical import canonical
from bot.flow.model import NO_SOURCE, Flow
from bot.flow.schema_errors import SIMILAR


def check_sources(flow: Flow, error: Callable[..., None]) -> None:
    """Every source listed once; every question, tip and outcome names a listed one."""
    known = {source.id for source in flow.sources}
    counts = Counter(source.id for source in flow.sources)
    for i, source in enumerate(flow.sources):
        if source.id == NO_SOURCE:
            error(("sources", i, "id"), f"'{NO_SOURCE}' is reserved", "choose another id")
        elif counts[source.id] > 1:
            error(("sources", i, "id"), f"duplicate source id '{source.id}'", "rename one")
            counts[source.id] = 1
    items = [("questions", flow.questions), ("triggers", flow.triggers)]
    for kind, group in (*items, ("outcomes", flow.outcomes)):
        for i, item in enumerate(group):
            for si, ref in enumerate(item.source):
                path = (kind, i, "source", si) if len(item.source) > 1 else (kind, i, "source")
                if ref == NO_SOURCE and len(item.source) > 1:
                    error(path, f"'{NO_SOURCE}' cannot be combined with other sources")
                elif ref != NO_SOURCE and ref not in known:
                    close = difflib.get_close_matches(ref, sorted(known), n=1, cutoff=SIMILAR)
                    hint = f"did you mean '{close[0]}'?" if close else "add it under sources"
                    error(path, f"unknown source '{ref}'", hint)


def check_words(flow: Flow, error: Callable[..., None]) -> None:
    """A typed word must name one answer: two options sharing one would be a guess."""
    for qi, question in enumerate(flow.questions):
        owner: dict[str, str] = {}
        for oi, option in enumerate(question.options):
            for si, word in enumerate(option.synonyms):
                key = canonical(word)
                if key in owner and owner[key] != option.id:
                    path = ("questions", qi, "options", oi, "synonyms", si)
                    msg = f"'{word}' is a synonym of both '{owner[key]}' and '{option.id}'"
                    error(path, msg, "keep it on one option only")
                owner.setdefault(key, option.id)


def check_ranges(flow: Flow, error: Callable[..., None]) -> None:
    """Ranges only on questions that read amounts, following on without gaps."""
    for qi, question in enumerate(flow.questions):
        qpath = ("questions", qi)
        ranged = [(oi, o) for oi, o in enumerate(question.options) if o.has_range]
        if question.reads is None:
            for oi, _ in ranged:
                hint = "add 'reads: duration' or 'reads: count' to the question"
                error((*qpath, "options", oi), "a range needs a question that reads amounts", hint)
            if question.count_words:
                error((*qpath, "count_words"), "count_words need 'reads: count'")
            continue
        if not ranged:
            hint = "give options 'at_least:' and 'below:' (days, or a count per day)"
            error(
                (*qpath, "reads"), f"question '{question.id}' reads amounts but has no ranges", hint
            )
            continue
        bounds = []
        for oi, option in ranged:
            low = option.at_least or 0.0
            high = option.below if option.below is not None else float("inf")
            if low >= high:
                error(
                    (*qpath, "options", oi), f"option '{option.id}': at_least must be below 'below'"
                )
            bounds.append((low, high, oi))
        bounds.sort()
        edge = 0.0
        for low, high, oi in bounds:
            if low != edge:
                word = "overlaps the one before" if low < edge else f"leaves a gap from {edge:g}"
                hint = (
                    "ranges must follow on without gaps: 'below' of one is 'at_least' of the next"
                )
                error((*qpath, "options", oi), f"the range of this option {word}", hint)
            edge = max(edge, high)
        if edge != float("inf"):
            error((*qpath, "options"), "the last range must have no 'below'", "leave it open-ended")
