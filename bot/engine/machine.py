"""A flow compiled to one shared ``transitions`` Machine (one per flow version).

States are the flow's questions and outcomes; each option is a trigger named
``question/option``. Conditional transitions implement ``next`` rules, ``finish``
and escalation: an outcome is never less urgent than the worst red flag seen.
A person's state is not kept here: every step uses a throw-away cursor object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock

from transitions import Machine

from bot.engine.reply import Prompt
from bot.engine.texts import prompt_for
from bot.engine.understanding import QuestionReader
from bot.flow import FINISH, SEVERITY_RANK, Flow
from bot.flow.model import Rule

_SEVERITIES = ("emergency", "urgent", "routine")


class _Cursor:
    """The model a transition runs on: one person's state for one step."""

    __slots__ = ("state", "worst")

    def __init__(self, state: str, worst: str | None):
        self.state = state
        self.worst = worst


def _worst_is(severity: str | None) -> Callable[[object], bool]:
    return lambda event: event.model.worst == severity


def _rule_holds(rule: Rule) -> Callable[[object], bool]:
    return lambda event: rule.holds(event.model.worst)


@dataclass(frozen=True)
class CompiledFlow:
    """A flow with its Machine and per-question readers of typed answers."""

    flow: Flow
    machine: Machine
    readers: dict[str, QuestionReader]
    prompts: dict[tuple[str, int], Prompt] = field(default_factory=dict)

    def prompt(self, question_id: str, number: int) -> Prompt:
        """The (cached) prompt of a question shown as the ``number``-th question."""
        key = (question_id, number)
        found = self.prompts.get(key)
        if found is None:
            found = self.prompts[key] = prompt_for(self.flow, question_id, number)
        return found

    def advance(self, state: str, option_id: str, worst: str | None) -> str:
        """The state reached by choosing ``option_id`` in question ``state``."""
        cursor = _Cursor(state, worst)
        self.machine.events[f"{state}/{option_id}"].trigger(cursor)
        return cursor.state


def compile_flow(flow: Flow) -> CompiledFlow:
    """Build the Machine and matchers for ``flow``."""
    states = [*(q.id for q in flow.questions), *(o.id for o in flow.outcomes)]
    machine = Machine(
        model=None,
        states=states,
        initial=None,
        auto_transitions=False,
        send_event=True,
    )
    for question in flow.questions:
        for option in question.options:
            trigger = f"{question.id}/{option.id}"
            next_ = question.target(option)
            rules = next_ if isinstance(next_, tuple) else (Rule(go=next_),)
            for rule in rules:
                guard = [_rule_holds(rule)] if rule.if_red_flag else []
                for dest, condition in _destinations(flow, rule.go):
                    conditions = guard + ([condition] if condition else [])
                    machine.add_transition(trigger, question.id, dest, conditions=conditions)
    checkin_questions = flow.checkins.questions() if flow.checkins else ()
    readers = {q.id: QuestionReader(q) for q in (*flow.questions, *checkin_questions)}
    return CompiledFlow(flow, machine, readers)


def _destinations(flow: Flow, target: str) -> list[tuple[str, Callable | None]]:
    """Where ``target`` really leads, most urgent first, with the condition for each."""
    outcome = None if target == FINISH else flow.outcome(target)
    if target != FINISH and outcome is None:
        return [(target, None)]
    floor = SEVERITY_RANK[outcome.red_flag] if outcome else 0
    found = []
    for severity in _SEVERITIES:
        tier = next((o for o in flow.outcomes if o.red_flag == severity), None)
        if tier is not None and SEVERITY_RANK[severity] > floor:
            found.append((tier.id, _worst_is(severity)))
    if outcome is not None:
        return [*found, (outcome.id, None)]
    default = flow.outcome_for(None)
    return [*found, (default.id, None)]


_cache: dict[str, CompiledFlow] = {}
_cache_lock = Lock()


def compiled(flow: Flow) -> CompiledFlow:
    """The compiled form of ``flow``, built once per flow version and shared."""
    key = f"{flow.id}@{flow.version or flow.content_hash()}"
    found = _cache.get(key)
    if found is None:
        with _cache_lock:
            if len(_cache) > 64:
                _cache.clear()
            found = _cache[key] = compile_flow(flow)
    return found
