"""Checks of a flow's ``checkins:``: references, safe answers and the wording rules.

A check-in is offered only after outcomes without a red flag, never instead of a doctor;
its warning-sign question counts "not sure" as yes, runs the flow's warning-sign questions
again, and its milder answers never describe a sign; "still there" leads to a doctor.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable

from bot.flow.canonical import canonical_tokens
from bot.flow.model import NO_SOURCE, SEVERITY_RANK, UNSURE_OPTION_IDS, Flow
from bot.flow.negation import describes_sign
from bot.flow.schema_errors import SIMILAR

# Answers are referenced as "<flow>:<question>:<option>" in button data (see checks.py).
MAX_ANSWER_REF_BYTES = 56


def check_checkins(flow: Flow, error: Callable[..., None]) -> None:
    """Every problem of the flow's check-ins, reported at its place under ``checkins``."""
    checkins = flow.checkins
    if checkins is None:
        return
    root = ("checkins",)
    _check_references(flow, error)
    _check_ids(flow, error)
    signs = checkins.signs.options
    if not any(o.recheck for o in signs if o.id not in UNSURE_OPTION_IDS):
        hint = "give the answer that reports a sign (such as 'Yes') 'recheck: true'"
        error(
            (*root, "signs", "options"), "no answer of the check-in's signs question rechecks", hint
        )
    if all(o.recheck for o in signs):
        error((*root, "signs", "options"), "every answer rechecks", "add a 'No' answer")
    for i, option in enumerate(signs):
        path = (*root, "signs", "options", i)
        if option.id in UNSURE_OPTION_IDS and not option.recheck:
            error(path, f"'{option.label}' must count as yes", "give it 'recheck: true'")
        if option.recheck:
            continue
        for si, word in enumerate(option.synonyms):
            if describes_sign(canonical_tokens(word)):
                msg = f"'{word}' may describe a sign, so it cannot mean '{option.label}'"
                error((*path, "synonyms", si), msg, "remove it")
    if not any(o.days for o in checkins.offer.options):
        error((*root, "offer", "options"), "no answer schedules a check-in", "add 'days: 7'")
    if all(o.days for o in checkins.offer.options):
        hint = "add an answer without 'days', such as 'No thanks'"
        error((*root, "offer", "options"), "a person must be able to decline", hint)
    if "{date}" not in checkins.offer.scheduled:
        hint = "say when: 'I'll check in with you on {date}.'"
        error((*root, "offer", "scheduled"), "'scheduled' must mention {date}", hint)
    if not any(o.course == "gone" for o in checkins.progress.options):
        error((*root, "progress", "options"), "no answer says the twitching is gone")


def _check_references(flow: Flow, error: Callable[..., None]) -> None:
    checkins = flow.checkins
    assert checkins is not None
    root = ("checkins",)
    outcomes = [o.id for o in flow.outcomes]
    for i, outcome_id in enumerate(checkins.offer_after):
        outcome = flow.outcome(outcome_id)
        path = (*root, "offer_after", i)
        if outcome is None:
            error(path, f"unknown outcome '{outcome_id}'", _suggest(outcome_id, outcomes))
        elif outcome.red_flag or outcome.stores_nothing:
            hint = "offer check-ins only after an outcome without a red flag (self-care)"
            error(path, f"a check-in cannot follow outcome '{outcome_id}'", hint)
    question = flow.question(checkins.recheck)
    questions = [q.id for q in flow.questions]
    if question is None:
        error(
            (*root, "recheck"),
            f"unknown question '{checkins.recheck}'",
            _suggest(checkins.recheck, questions),
        )
    elif not any(o.red_flag for o in question.options):
        hint = "name the first warning-sign question (e.g. the emergency screen)"
        error((*root, "recheck"), f"'{checkins.recheck}' is not a warning-sign question", hint)
    targets = [
        ((*root, "still_there_outcome"), checkins.still_there_outcome),
        ((*root, "recheck_outcome"), checkins.recheck_outcome),
        *(
            ((*root, "progress", "options", i, "outcome"), o.outcome)
            for i, o in enumerate(checkins.progress.options)
            if o.outcome is not None
        ),
    ]
    for path, outcome_id in targets:
        outcome = flow.outcome(outcome_id)
        if outcome is None:
            error(path, f"unknown outcome '{outcome_id}'", _suggest(outcome_id, outcomes))
        elif SEVERITY_RANK[outcome.red_flag] < SEVERITY_RANK["routine"]:
            hint = "twitching that lasts or gets worse needs a doctor: name a red-flag outcome"
            error(path, f"outcome '{outcome_id}' does not send to a doctor", hint)
    known = {s.id for s in flow.sources}
    for si, ref in enumerate(checkins.source):
        if ref != NO_SOURCE and ref not in known:
            path = (*root, "source", si) if len(checkins.source) > 1 else (*root, "source")
            error(path, f"unknown source '{ref}'", _suggest(ref, sorted(known)))
    if NO_SOURCE in checkins.source:
        hint = "check-ins tell when to see a doctor: name the source of that advice"
        error((*root, "source"), "check-ins make medical statements", hint)


def _check_ids(flow: Flow, error: Callable[..., None]) -> None:
    checkins = flow.checkins
    assert checkins is not None
    taken = {q.id for q in flow.questions} | {o.id for o in flow.outcomes}
    seen: set[str] = set()
    for part in ("offer", "signs", "progress"):
        question = getattr(checkins, part)
        path = ("checkins", part, "id")
        if question.id in taken or question.id in seen:
            error(path, f"id '{question.id}' is used elsewhere in the flow", "rename it")
        seen.add(question.id)
        counts = Counter(o.id for o in question.options)
        for oi, option in enumerate(question.options):
            opath = ("checkins", part, "options", oi, "id")
            if counts[option.id] > 1:
                error(opath, f"duplicate option id '{option.id}' in '{question.id}'")
                counts[option.id] = 1
            ref = f"{flow.id}:{question.id}:{option.id}"
            if len(ref.encode()) > MAX_ANSWER_REF_BYTES:
                hint = f"shorten the flow, question or option id (at most {MAX_ANSWER_REF_BYTES})"
                error(opath, f"answer reference '{ref}' is too long", hint)


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=SIMILAR)
    return f"did you mean '{close[0]}'?" if close else ""
