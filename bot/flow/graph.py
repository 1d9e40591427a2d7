"""A flow as a diagram, drawn with the transitions library's own diagram support.

Questions are states, answers labelled edges (warning-sign answers marked ⚠), outcomes
coloured by urgency. Mermaid needs nothing installed; SVG and PNG need Graphviz.
"""

from __future__ import annotations

import shutil

from transitions.extensions.diagrams import GraphMachine

from bot.flow.checks import targets_of
from bot.flow.model import FINISH, Flow, Option, Question

FORMATS = ("mermaid", "svg", "png")
_STYLES = {
    "emergency": {"fill": "#d32f2f", "color": "white"},
    "urgent": {"fill": "#f57c00", "color": "white"},
    "routine": {"fill": "#fbc02d", "color": "black"},
    "self_care": {"fill": "#388e3c", "color": "white"},
    "other": {"fill": "#e0e0e0", "color": "black"},
    "warning": {"fill": "#fff3e0", "color": "black"},
    "question": {"fill": "white", "color": "black"},
}


class GraphUnavailable(Exception):
    """The format needs a program that is not installed; the message says which."""


class _Diagram:
    """The model the diagram machine draws (the machine needs one)."""


class _LabelledState(GraphMachine.state_cls):  # type: ignore[name-defined, misc]
    """A state drawn with a readable label instead of its id."""

    def __init__(self, *args: object, label: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.label = label


class _FlowDiagram(GraphMachine):
    state_cls = _LabelledState


def to_mermaid(flow: Flow) -> str:
    """The flow as a Mermaid state diagram (text, for READMEs and pull requests)."""
    return str(_machine(flow, "mermaid").get_graph().draw(None)).rstrip() + "\n"


def render(flow: Flow, fmt: str) -> bytes:
    """The flow drawn as ``svg`` or ``png`` (needs Graphviz's ``dot``)."""
    if shutil.which("dot") is None:
        raise GraphUnavailable(
            f"{fmt} needs Graphviz: install it (e.g. apt-get install graphviz), or use"
            " --format mermaid"
        )
    try:
        graph = _machine(flow, "graphviz").get_graph()
    except ImportError as exc:  # the graphviz Python package
        raise GraphUnavailable(f"{fmt} needs the graphviz package: {exc}") from None
    return graph.pipe(format=fmt)


def _machine(flow: Flow, engine: str) -> GraphMachine:
    model = _Diagram()
    states = [{"name": q.id, "label": _label(q.short or q.id)} for q in flow.questions]
    states += [{"name": o.id, "label": _label(o.title)} for o in flow.outcomes]
    states.append({"name": FINISH, "label": "outcome for the most severe sign"})
    machine = _FlowDiagram(
        model=model,
        states=states,
        initial=flow.start,
        auto_transitions=False,
        graph_engine=engine,
        title=flow.title,
        show_conditions=False,
        show_state_attributes=False,
    )
    for question in flow.questions:
        for option in question.options:
            trigger = f"{question.id}/{option.id}"
            for target, condition in _ways_out(question, option):
                label = _edge(option) + condition
                machine.add_transition(trigger, question.id, target, label=label)
    for outcome in flow.outcomes:
        if outcome.red_flag or outcome.default:
            label = f"worst sign {outcome.red_flag}" if outcome.red_flag else "no warning sign"
            machine.add_transition(f"finish/{outcome.id}", FINISH, outcome.id, label=label)
    machine.style_attributes["node"].update(_STYLES)
    graph = machine.model_graphs[id(model)]
    for question in flow.questions:
        warning = any(o.red_flag for o in question.options)
        graph.set_node_style(question.id, "warning" if warning else "question")
    for outcome in flow.outcomes:
        tier = outcome.red_flag or ("self_care" if outcome.default else "other")
        graph.set_node_style(outcome.id, tier)
    return machine


def _ways_out(question: Question, option: Option) -> list[tuple[str, str]]:
    next_ = question.target(option)
    if isinstance(next_, tuple):
        return [
            (rule.go, f" if {rule.if_red_flag} sign" if rule.if_red_flag else "") for rule in next_
        ]
    return [(target, "") for target in targets_of(next_)]


def _edge(option: Option) -> str:
    mark = f" ⚠ {option.red_flag}" if option.red_flag else ""
    return _label(option.label) + mark


def _label(text: str) -> str:
    # Mermaid labels end at a colon or quote; keep them short and plain.
    return text.replace('"', "'").replace(":", " -").replace("\n", " ")[:60]
