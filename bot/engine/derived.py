"""Session fields that follow from the answers: red flags and triggers."""

from __future__ import annotations

from typing import Any

from bot.flow import Flow


def derived_fields(flow: Flow, history: tuple[str, ...], answers: dict[str, str]) -> dict[str, Any]:
    """Session fields for these answers: red flags and triggers are derived from them."""
    red_flags: dict[str, str] = {}
    triggers: list[str] = []
    for qid in history:
        question = flow.question(qid)
        option = question.option(answers[qid]) if question else None
        if option is None:
            continue
        if option.red_flag:
            red_flags[qid] = option.red_flag
        if option.trigger and option.trigger not in triggers:
            triggers.append(option.trigger)
    return {
        "history": history,
        "answers": answers,
        "red_flags": red_flags,
        "triggers": tuple(triggers),
    }
