"""Outcome diff: every answer path through two versions of a flow, grouped by how the
advice changed, with the paths that became LESS URGENT first.

A path is one way of answering (by question and answer id). Both versions are walked
in step through the engine's own transitions; when they ask different questions, an
answer given to one is remembered for the other. Paths are counted, not listed:
states that lead to the same futures are merged, so a flow with billions of paths
diffs in a fraction of a second.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from bot.engine import compiled
from bot.flow import SEVERITY_RANK, Flow, Question
from bot.flow.checks import edges

NOT_OFFERED = "(answer not offered)"
Side = tuple[str, str | None, frozenset[str]]  # node, worst red flag, triggers
Ending = tuple[str, frozenset[str]]  # outcome id, triggers


@dataclass
class Change:
    """All paths whose outcome went from ``old`` to ``new``."""

    old: str
    new: str
    paths: int
    example: tuple[str, ...]
    less_urgent: bool
    tips_changed: int = 0


@dataclass
class FlowDiff:
    """What changed between two versions of a flow."""

    total_paths: int = 0
    changes: list[Change] = field(default_factory=list)  # less urgent first
    same: int = 0
    tips_changed: int = 0
    texts: list[str] = field(default_factory=list)

    @property
    def less_urgent(self) -> list[Change]:
        """The groups of paths whose advice became less urgent."""
        return [c for c in self.changes if c.less_urgent]


def diff_flows(old: Flow, new: Flow) -> FlowDiff:
    """Compare every answer path of ``old`` and ``new``, and their texts."""
    walker = _Walker(old, new)
    endings, examples = walker.walk(
        (old.start, None, frozenset()), (new.start, None, frozenset()), frozenset()
    )
    result = FlowDiff(total_paths=sum(endings.values()), texts=_text_changes(old, new))
    groups: dict[tuple[str, str], Change] = {}
    scores: dict[tuple[str, str], int] = {}
    for (before, after), count in endings.items():
        if before[0] == after[0]:
            result.same += count
            if before[1] != after[1]:
                result.tips_changed += count
            continue
        key = (before[0], after[0])
        score, example = examples[(before, after)]
        if key not in groups:
            less = _rank(new, after[0]) < _rank(old, before[0])
            groups[key] = Change(before[0], after[0], 0, example, less)
            scores[key] = score
        elif score < scores[key]:  # show the simplest way to get there
            groups[key].example, scores[key] = example, score
        groups[key].paths += count
        groups[key].tips_changed += count if before[1] != after[1] else 0
    result.changes = sorted(groups.values(), key=lambda c: (not c.less_urgent, -c.paths))
    return result


def _rank(flow: Flow, outcome_id: str) -> int:
    outcome = flow.outcome(outcome_id)
    return SEVERITY_RANK[outcome.red_flag] if outcome is not None else -1


class _Walker:
    def __init__(self, old: Flow, new: Flow):
        self.flows = (old, new)
        self.machines = (compiled(old), compiled(new))
        self.ahead = (_reachable(old), _reachable(new))
        self.calm = {q.id: q.mildest for flow in (new, old) for q in flow.questions}
        self.walk = lru_cache(maxsize=None)(self._walk)

    def _walk(
        self, old: Side, new: Side, given: frozenset[tuple[str, str]]
    ) -> tuple[Counter, dict]:
        sides = (old, new)
        asking = [self._question(i, side) for i, side in enumerate(sides)]
        if asking[0] is None and asking[1] is None:
            ending = (_ending(old), _ending(new))
            return Counter({ending: 1}), {ending: (0, ())}
        answers = dict(given)
        turn = self._turn(sides, asking)
        question = asking[turn]
        if question in answers:
            choices = [answers[question]]
        else:
            ids = [o.id for f in self.flows if (q := f.question(question)) for o in q.options]
            choices = list(dict.fromkeys(ids))
        total: Counter = Counter()
        examples: dict = {}
        for option in choices:
            moved = list(sides)
            for i, side in enumerate(sides):
                if asking[i] == question:
                    moved[i] = self._answer(i, side, question, option)
            remembered = {(q, o) for q, o in given if q != question}
            if asking[1 - turn] != question:
                remembered.add((question, option))
            lagging = moved[1 - turn]
            remembered = {
                (q, o) for q, o in remembered if q in self.ahead[1 - turn].get(lagging[0], ())
            }
            counts, found = self.walk(moved[0], moved[1], frozenset(remembered))
            total.update(counts)
            unusual = int(option != self.calm.get(question))
            for ending, (score, example) in found.items():
                candidate = (score + unusual, (f"{question}={option}", *example))
                if ending not in examples or candidate < examples[ending]:
                    examples[ending] = candidate  # the simplest way to get there
        return total, examples

    def _turn(self, sides: tuple[Side, Side], asking: list[str | None]) -> int:
        """Which version's question to answer now. A question the other version will
        never ask goes first (nothing to remember); otherwise the old version's, and the
        new one catches up with the answers remembered in ``given``."""
        if asking[0] is None or asking[1] is None:
            return 0 if asking[0] is not None else 1
        if asking[1] not in self.ahead[0].get(sides[0][0], frozenset()):
            return 1
        return 0

    def _question(self, i: int, side: Side) -> str | None:
        return side[0] if self.flows[i].question(side[0]) is not None else None

    def _answer(self, i: int, side: Side, question: str, option_id: str) -> Side:
        flow = self.flows[i]
        option = flow.question(question).option(option_id)
        if option is None:
            return (NOT_OFFERED, side[1], side[2])
        worst = max(side[1], option.red_flag, key=SEVERITY_RANK.__getitem__)
        triggers = side[2] | {option.trigger} if option.trigger else side[2]
        return (self.machines[i].advance(question, option_id, worst), worst, triggers)


def _ending(side: Side) -> Ending:
    return side[0], side[2]


def _reachable(flow: Flow) -> dict[str, frozenset[str]]:
    """For each question, the questions that may still be asked after it."""
    after: dict[str, frozenset[str]] = {}
    for question in reversed(_order(flow)):
        found: set[str] = set()
        for _, target in edges(flow, question):
            if flow.question(target) is not None:
                found |= {target} | after.get(target, frozenset())
        after[question.id] = frozenset(found | {question.id})
    return after


def _order(flow: Flow) -> list[Question]:
    """Questions in an order where every question comes before those it leads to."""
    seen: set[str] = set()
    ordered: list[Question] = []
    for root in flow.questions:
        stack = [(root, iter(edges(flow, root)))]
        if root.id in seen:
            continue
        seen.add(root.id)
        while stack:
            question, pending = stack[-1]
            target = next(pending, None)
            if target is None:
                ordered.append(question)
                stack.pop()
                continue
            following = flow.question(target[1])
            if following is not None and following.id not in seen:
                seen.add(following.id)
                stack.append((following, iter(edges(flow, following))))
    return list(reversed(ordered))


def _text_changes(old: Flow, new: Flow) -> list[str]:
    """Text-only changes, by question, answer, outcome and tip."""
    lines: list[str] = []
    for question in new.questions:
        before = old.question(question.id)
        if before is None:
            lines.append(f"question '{question.id}' is new")
            continue
        for key in ("prompt", "help", "short"):
            if getattr(before, key) != getattr(question, key):
                lines.append(f"question '{question.id}': {key} changed")
        for option in question.options:
            was = before.option(option.id)
            if was is None:
                lines.append(f"question '{question.id}': answer '{option.id}' is new")
            elif was.label != option.label:
                lines.append(f"question '{question.id}': answer '{option.id}' label changed")
    lines += [f"question '{q.id}' was removed" for q in old.questions if not new.question(q.id)]
    for outcome in new.outcomes:
        before = old.outcome(outcome.id)
        if before is None:
            lines.append(f"outcome '{outcome.id}' is new")
            continue
        for key in ("title", "text", "safety_net", "announce", "triggers_intro"):
            if getattr(before, key) != getattr(outcome, key):
                lines.append(f"outcome '{outcome.id}': {key} changed")
    for trigger in new.triggers:
        before = old.trigger(trigger.id)
        if before is not None and before.tip != trigger.tip:
            lines.append(f"tip '{trigger.id}' changed")
    return lines
