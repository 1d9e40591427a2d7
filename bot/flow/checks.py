"""Static checks of a schema-valid flow: ids, references and the shape of the graph."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

from bot.flow.checkin_checks import check_checkins
from bot.flow.content_checks import check_ranges, check_sources, check_words
from bot.flow.errors import FlowError
from bot.flow.model import FINISH, Flow, Next, Question
from bot.flow.schema_errors import SIMILAR
from bot.flow.yaml_source import Location, Path

Locate = Callable[[Path], Location]


_NOT_A_TARGET = "is not a question or outcome"
# Answers are referenced as "<flow>:<question>:<option>" by channels (for example in
# Telegram button data, which holds at most 64 bytes); keep room for a short prefix.
MAX_ANSWER_REF_BYTES = 56


def targets_of(next_: Next | None) -> list[str]:
    """Every target a ``next`` can lead to."""
    if next_ is None:
        return []
    if isinstance(next_, str):
        return [next_]
    return [rule.go for rule in next_]


def edges(flow: Flow, question: Question) -> Iterator[tuple[int, str]]:
    """(option index, target) for every way out of ``question``."""
    for i, option in enumerate(question.options):
        for target in targets_of(question.target(option)):
            yield i, target


def check_references(flow: Flow, source: str, locate: Locate) -> list[FlowError]:
    """Every reference/graph problem of ``flow``, each located in the file."""
    errors: list[FlowError] = []

    def error(path: Path, message: str, hint: str = "") -> None:
        errors.append(FlowError(source, *locate(path), message, hint))

    _check_ids(flow, error)
    _check_renamed(flow, error)
    _check_targets(flow, error)
    broken = [
        i for i, e in enumerate(errors) if e.message.endswith((_NOT_A_TARGET, "leads nowhere"))
    ]
    _check_outcomes(flow, error)
    check_sources(flow, error)
    check_words(flow, error)
    check_ranges(flow, error)
    check_checkins(flow, error)
    unreached = _check_graph(flow, error, broken_targets=bool(broken))
    if broken and unreached:  # one error per cause: the consequence is a note under it
        first = errors[broken[0]]
        note = f"until it is fixed, {', '.join(repr(u) for u in unreached)} can never be reached"
        errors[broken[0]] = replace(first, hint=f"{first.hint}; {note}" if first.hint else note)
    return errors


def _check_ids(flow: Flow, error: Callable[..., None]) -> None:
    seen: Counter[str] = Counter()
    for kind, items in (("questions", flow.questions), ("outcomes", flow.outcomes)):
        for i, item in enumerate(items):
            seen[item.id] += 1
            if item.id == FINISH:
                error((kind, i, "id"), f"'{FINISH}' is reserved", "choose another id")
            elif seen[item.id] == 2:
                hint = "questions and outcomes share one set of ids; rename one"
                error((kind, i, "id"), f"duplicate id '{item.id}'", hint)
    for kind, items in (("triggers", flow.triggers), ("sections", flow.sections)):
        counts = Counter(item.id for item in items)
        for i, item in enumerate(items):
            if counts[item.id] > 1:
                error((kind, i, "id"), f"duplicate {kind[:-1]} id '{item.id}'", "rename one")
                counts[item.id] = 1
    for qi, question in enumerate(flow.questions):
        counts = Counter(o.id for o in question.options)
        labels = Counter(o.label.casefold() for o in question.options)
        for oi, option in enumerate(question.options):
            path = ("questions", qi, "options", oi)
            if counts[option.id] > 1:
                error((*path, "id"), f"duplicate option id '{option.id}' in '{question.id}'")
                counts[option.id] = 1
            if labels[option.label.casefold()] > 1:
                error((*path, "label"), f"two options of '{question.id}' share a label")
                labels[option.label.casefold()] = 1
            ref = f"{flow.id}:{question.id}:{option.id}"
            if len(ref.encode()) > MAX_ANSWER_REF_BYTES:
                hint = f"shorten the flow, question or option id (at most {MAX_ANSWER_REF_BYTES})"
                error((*path, "id"), f"answer reference '{ref}' is too long", hint)


def _check_targets(flow: Flow, error: Callable[..., None]) -> None:
    targets = {q.id for q in flow.questions} | {o.id for o in flow.outcomes} | {FINISH}
    if flow.question(flow.start) is None:
        error(("start",), f"start '{flow.start}' is not a question", _suggest(flow.start, flow))
    sections = {s.id for s in flow.sections}
    for qi, question in enumerate(flow.questions):
        qpath = ("questions", qi)
        if question.section is not None and question.section not in sections:
            error(
                (*qpath, "section"),
                f"unknown section '{question.section}'",
                "add it under sections",
            )
        if isinstance(question.next, tuple):
            _check_rules(question.next, (*qpath, "next"), error)
        for oi, option in enumerate(question.options):
            opath = (*qpath, "options", oi)
            if option.trigger is not None and flow.trigger(option.trigger) is None:
                error(
                    (*opath, "trigger"),
                    f"unknown trigger '{option.trigger}'",
                    "add it under triggers",
                )
            if isinstance(option.next, tuple):
                _check_rules(option.next, (*opath, "next"), error)
            next_ = question.target(option)
            if next_ is None:
                hint = "add 'next:' to the option, or a default 'next:' to the question"
                error(opath, f"option '{option.id}' of '{question.id}' leads nowhere", hint)
                continue
            where = (*opath, "next") if option.next is not None else (*qpath, "next")
            for ri, target in enumerate(targets_of(next_)):
                if target not in targets:
                    path = (*where, ri, "go") if isinstance(next_, tuple) else where
                    error(path, f"'{target}' {_NOT_A_TARGET}", _suggest(target, flow))


def _check_rules(rules: tuple, path: Path, error: Callable[..., None]) -> None:
    if not rules:
        error(path, "an empty list of rules leads nowhere", "add at least one '- go: ...'")
    elif rules[-1].if_red_flag is not None:
        hint = "end the list with a rule without a condition: '- go: <question or outcome>'"
        error(
            (*path, len(rules) - 1), "the last rule has a condition, so it can lead nowhere", hint
        )


def _check_outcomes(flow: Flow, error: Callable[..., None]) -> None:
    defaults = [i for i, o in enumerate(flow.outcomes) if o.default]
    if len(defaults) != 1:
        where = ("outcomes", defaults[1]) if len(defaults) > 1 else ("outcomes",)
        error(
            where,
            "exactly one outcome needs 'default: true'",
            "it is used when no red flag is seen",
        )
    used = {o.red_flag for q in flow.questions for o in q.options if o.red_flag}
    tiers: dict[str, int] = {}
    for i, outcome in enumerate(flow.outcomes):
        if outcome.red_flag and outcome.default:
            error(("outcomes", i, "default"), "a red-flag outcome cannot be the default")
        if outcome.red_flag in tiers:
            error(("outcomes", i, "red_flag"), f"two outcomes for red flag '{outcome.red_flag}'")
        elif outcome.red_flag:
            tiers[outcome.red_flag] = i
        if outcome.list_triggers and not outcome.triggers_intro:
            hint = "add 'triggers_intro:', the line shown above the triggers' tips"
            error(("outcomes", i), f"outcome '{outcome.id}' cannot list triggers", hint)
        if outcome.stores_nothing and (outcome.red_flag or outcome.default):
            hint = "only an outcome that ends the check before any health question may erase"
            error(("outcomes", i, "stores_nothing"), "a health outcome must keep its answers", hint)
    for severity in sorted(used - tiers.keys()):
        hint = f"add an outcome with 'red_flag: {severity}'"
        error(("outcomes",), f"no outcome for red flag '{severity}'", hint)


def _check_graph(flow: Flow, error: Callable[..., None], broken_targets: bool) -> list[str]:
    """Report loops, and questions and outcomes no path reaches; return the unreached.

    When a ``next`` names something that does not exist, the questions cut off by it are
    its consequence, not problems of their own: they are returned, not reported."""
    index = {q.id: i for i, q in enumerate(flow.questions)}
    reached: set[str] = set()
    done: set[str] = set()
    loops: set[frozenset[str]] = set()

    def walk(start: str) -> None:
        # Depth-first without recursion: a flow may be a chain of a thousand questions.
        path: list[str] = [start]
        todo = [iter(edges(flow, flow.questions[index[start]]))]
        reached.add(start)
        while todo:
            step = next(todo[-1], None)
            if step is None:
                done.add(path.pop())
                todo.pop()
                continue
            target = step[1]
            if target == FINISH or target not in index:
                reached.add(target)
            elif target in path:
                cycle = path[path.index(target) :]
                if frozenset(cycle) not in loops:
                    loops.add(frozenset(cycle))
                    loop = " -> ".join([*cycle, target])
                    hint = "a flow must always move forward"
                    error(("questions", index[path[-1]]), f"the flow can loop: {loop}", hint)
            elif target not in done:
                reached.add(target)
                path.append(target)
                todo.append(iter(edges(flow, flow.questions[index[target]])))

    if flow.start in index:
        walk(flow.start)
    from_start = set(reached)
    for question in flow.questions:
        if question.id not in done:  # still find loops among unreachable questions
            walk(question.id)
    unreached = []
    hint = "point an option's 'next' at it, or remove it"
    for i, question in enumerate(flow.questions):
        if question.id not in from_start:
            unreached.append(question.id)
            if not broken_targets:
                error(
                    ("questions", i, "id"), f"question '{question.id}' can never be reached", hint
                )
    finish_outcomes = {o.id for o in flow.outcomes if o.default or o.red_flag}
    for i, outcome in enumerate(flow.outcomes):
        if outcome.id in from_start or (FINISH in from_start and outcome.id in finish_outcomes):
            continue
        unreached.append(outcome.id)
        if not broken_targets:
            error(("outcomes", i, "id"), f"outcome '{outcome.id}' can never be reached", hint)
    return unreached


def _suggest(name: str, flow: Flow) -> str:
    known = [q.id for q in flow.questions] + [o.id for o in flow.outcomes] + [FINISH]
    close = difflib.get_close_matches(name, known, n=1, cutoff=SIMILAR)
    return (
        f"did you mean '{close[0]}'?"
        if close
        else "use the id of a question, an outcome or 'finish'"
    )


def _check_renamed(flow: Flow, error: Callable[..., None]) -> None:
    """A ``renamed:`` entry maps an id no longer used to a question that exists."""
    for old, new in flow.renamed.items():
        if flow.question(new) is None:
            close = difflib.get_close_matches(new, [q.id for q in flow.questions], 1, SIMILAR)
            hint = f"did you mean '{close[0]}'?" if close else "name a question of this flow"
            error(("renamed", old), f"renamed: '{old}' -> '{new}': no question '{new}'", hint)
        elif flow.question(old) is not None:
            hint = "remove this line, or rename the question"
            error(("renamed", old), f"renamed: question '{old}' still exists", hint)
