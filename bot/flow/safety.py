"""The flow safety check: proves the health rules hold on every path of a flow.

1. Warning signs come first: no warning-sign question can follow a trigger question.
2. Every warning-sign question keeps an answer that reports the sign.
3. "Not sure" on a warning sign counts as "yes". Only "nobody could have noticed"
   (``unobserved``) may carry no red flag, and only on a routine sign.
4. A synonym of a milder answer to a warning sign never describes the sign ("can't").
5. Every path on which a warning sign was answered ends in an outcome for that
   red flag or a more urgent one (walked over every (question, worst red flag) state).
6. Outcome texts never reassure ("you are fine") or diagnose, every outcome short of an
   emergency has a safety net, and the disclaimer says this is not medical advice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.flow.canonical import canonical_tokens
from bot.flow.checks import edges, targets_of
from bot.flow.errors import FlowError
from bot.flow.model import FINISH, SEVERITY_RANK, UNSURE_OPTION_IDS, Flow, Question
from bot.flow.negation import describes_sign
from bot.flow.yaml_source import Location, Path

_FORBIDDEN = re.compile(
    r"\byou(?:'re|’re| are) (?:fine|healthy|ok|okay|all right|well)\b"
    r"|\bnothing to worry about\b"
    r"|\bno need to (?:see|visit|call|contact) (?:a|your) (?:doctor|gp)\b"
    r"|\byou (?:have|are suffering from) (?:a |an )?[a-z' ]*"
    r"(?:spasm|palsy|stroke|disease|syndrome|deficiency|disorder)\b",
    re.IGNORECASE,
)


def check_safety(flow: Flow, source: str, locate: Callable[[Path], Location]) -> list[FlowError]:
    """Every violation of the health rules in ``flow``, each located in the file."""
    errors: list[FlowError] = []

    def error(path: Path, message: str, hint: str = "") -> None:
        errors.append(FlowError(source, *locate(path), message, hint))

    index = {q.id: i for i, q in enumerate(flow.questions)}
    _check_warning_first(flow, index, error)
    _check_reports_sign(flow, error)
    _check_unsure_counts_as_yes(flow, error)
    _check_unobserved(flow, error)
    _check_milder_words(flow, error)
    _check_paths(flow, index, error)
    _check_wording(flow, error)
    return errors


def is_warning_question(question: Question) -> bool:
    """A question is a warning-sign question when any answer marks a red flag."""
    return any(o.red_flag for o in question.options)


def _check_warning_first(flow: Flow, index: dict[str, int], error: Callable[..., None]) -> None:
    after_trigger: set[str] = set()
    stack = [
        target
        for q in flow.questions
        if any(o.trigger for o in q.options)
        for _, target in edges(flow, q)
    ]
    while stack:
        qid = stack.pop()
        if qid in after_trigger or qid not in index:
            continue
        after_trigger.add(qid)
        stack.extend(t for _, t in edges(flow, flow.questions[index[qid]]))
    for qid in sorted(after_trigger, key=index.__getitem__):
        if is_warning_question(flow.questions[index[qid]]):
            hint = "ask every warning sign before the trigger questions"
            error(
                ("questions", index[qid], "id"),
                f"warning sign '{qid}' can follow a trigger question",
                hint,
            )


def _check_reports_sign(flow: Flow, error: Callable[..., None]) -> None:
    for qi, question in enumerate(flow.questions):
        if not is_warning_question(question):
            continue
        worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
        reports = [
            o
            for o in question.options
            if SEVERITY_RANK[o.red_flag] == worst and o.id not in UNSURE_OPTION_IDS
        ]
        if not reports:
            hint = "keep an answer such as 'Yes' with the red flag, so the sign can be reported"
            error(
                ("questions", qi, "options"),
                f"warning sign '{question.id}' has no answer that reports it",
                hint,
            )


def _check_unsure_counts_as_yes(flow: Flow, error: Callable[..., None]) -> None:
    for qi, question in enumerate(flow.questions):
        if not is_warning_question(question):
            continue
        worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
        for oi, option in enumerate(question.options):
            if option.id in UNSURE_OPTION_IDS and SEVERITY_RANK[option.red_flag] < worst:
                severity = next(
                    o.red_flag for o in question.options if SEVERITY_RANK[o.red_flag] == worst
                )
                hint = f"give it 'red_flag: {severity}'"
                msg = f"'{option.label}' on warning sign '{question.id}' must count as yes"
                error(("questions", qi, "options", oi), msg, hint)


def _check_unobserved(flow: Flow, error: Callable[..., None]) -> None:
    for qi, question in enumerate(flow.questions):
        worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
        has_unsure = any(o.id in UNSURE_OPTION_IDS and o.red_flag for o in question.options)
        for oi, option in enumerate(question.options):
            if not option.unobserved:
                continue
            path = ("questions", qi, "options", oi, "unobserved")
            if option.red_flag:
                error(path, "an unobserved answer reports no sign, so it takes no red_flag")
            elif worst != SEVERITY_RANK["routine"]:
                hint = "on urgent and emergency signs, not knowing counts as yes: use 'not_sure'"
                msg = f"'unobserved' is allowed only on routine signs, not on '{question.id}'"
                error(path, msg, hint)
            elif not has_unsure:
                hint = "add a 'not_sure' answer with the red flag beside it"
                error(path, f"'{question.id}' needs a 'Not sure' answer that counts as yes", hint)


def _check_milder_words(flow: Flow, error: Callable[..., None]) -> None:
    for qi, question in enumerate(flow.questions):
        if not is_warning_question(question):
            continue
        worst = max(SEVERITY_RANK[o.red_flag] for o in question.options)
        for oi, option in enumerate(question.options):
            if SEVERITY_RANK[option.red_flag] == worst:
                continue
            for si, word in enumerate(option.synonyms):
                if describes_sign(canonical_tokens(word)):
                    path = ("questions", qi, "options", oi, "synonyms", si)
                    msg = f"'{word}' may describe the sign, so it cannot mean '{option.label}'"
                    hint = "remove it: unclear wordings are read back or asked again"
                    error(path, msg, hint)


def _check_paths(flow: Flow, index: dict[str, int], error: Callable[..., None]) -> None:
    seen: set[tuple[str, str | None]] = set()
    reported: set[tuple[str, str | None]] = set()
    stack: list[tuple[str, str | None, tuple[str, ...]]] = [(flow.start, None, ())]
    if flow.checkins is not None:  # a check-in runs the warning signs again from here
        stack.append((flow.checkins.recheck, None, (f"{flow.checkins.signs.id}=recheck",)))
    while stack:
        qid, worst, path = stack.pop()
        if (qid, worst) in seen or qid not in index:
            continue
        seen.add((qid, worst))
        qi = index[qid]
        question = flow.questions[qi]
        for oi, option in enumerate(question.options):
            now = max(worst, option.red_flag, key=SEVERITY_RANK.__getitem__)
            step = (*path, f"{qid}={option.id}")
            next_ = question.target(option)
            if isinstance(next_, tuple):  # the first rule that holds (a broken list: none)
                taken = [r.go for r in next_ if r.holds(now)][:1]
            else:
                taken = targets_of(next_)
            for target in taken:
                if target in index:
                    stack.append((target, now, step))
                    continue
                try:
                    outcome = flow.outcome_for(now) if target == FINISH else flow.outcome(target)
                except LookupError:  # a missing tier is reported by check_references
                    continue
                if outcome is None or SEVERITY_RANK[outcome.red_flag] >= SEVERITY_RANK[now]:
                    continue
                if (outcome.id, now) not in reported:
                    reported.add((outcome.id, now))
                    msg = (
                        f"a path with red flag '{now}' ends in outcome '{outcome.id}': "
                        + " -> ".join(step)
                    )
                    hint = f"lead this answer to 'finish' or to the '{now}' outcome"
                    error(("questions", qi, "options", oi), msg, hint)


def _check_wording(flow: Flow, error: Callable[..., None]) -> None:
    if "medical advice" not in flow.disclaimer.casefold():
        error(("disclaimer",), "the disclaimer must say this is not medical advice")
    for i, outcome in enumerate(flow.outcomes):
        needs_net = outcome.default or outcome.red_flag in ("urgent", "routine")
        if needs_net and not (outcome.safety_net or flow.safety_net):
            hint = "say when to see a doctor anyway, and when to call emergency services"
            error(("outcomes", i), f"outcome '{outcome.id}' needs a safety_net", hint)
    texts: list[tuple[Path, str]] = [(("safety_net",), flow.safety_net or "")]
    for i, o in enumerate(flow.outcomes):
        for key in (
            "title",
            "text",
            "triggers_intro",
            "no_triggers_text",
            "safety_net",
            "announce",
        ):
            value = getattr(o, key)
            if value:
                texts.append((("outcomes", i, key), value))
    for i, t in enumerate(flow.triggers):
        texts.append((("triggers", i, "tip"), t.tip))
    if flow.checkins is not None:
        c = flow.checkins
        for part, key in (("offer", "scheduled"), ("offer", "declined"), ("signs", "intro"),
                          ("signs", "recheck_text"), ("progress", "gone_text"),
                          ("progress", "continue_text")):  # fmt: skip
            texts.append((("checkins", part, key), getattr(getattr(c, part), key)))
    for path, text in texts:
        found = _FORBIDDEN.search(text)
        if found:
            hint = "never reassure or diagnose; say what to watch for and when to see a doctor"
            error(path, f"text says '{found.group(0)}'", hint)
