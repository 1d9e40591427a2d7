"""Which options and outcomes of a flow no scenario exercises, located in the flow file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.flow import Flow
from bot.flow.yaml_source import read_yaml
from bot.scenarios.runner import Result


def uncovered(flow: Flow, flow_path: Path, results: Iterable[Result]) -> list[str]:
    """``file:line: ...`` for every option never chosen and outcome never reached."""
    chosen: set[tuple[str, str]] = set()
    reached: set[str] = set()
    for result in results:
        chosen.update(result.chosen)
        if result.outcome:
            reached.add(result.outcome)
    doc, _ = read_yaml(flow_path.read_text(encoding="utf-8"), str(flow_path))

    def line(*path: str | int) -> int:
        return doc.locate(path)[0] if doc is not None else 1

    gaps = []
    for qi, question in enumerate(flow.questions):
        for oi, option in enumerate(question.options):
            if (question.id, option.id) not in chosen:
                where = line("questions", qi, "options", oi)
                gaps.append(f"{flow_path}:{where}: answer '{option.id}' of '{question.id}'")
    checkins = flow.checkins
    for part in ("offer", "signs", "progress") if checkins is not None else ():
        question = getattr(checkins, part)
        for oi, option in enumerate(question.options):
            if (question.id, option.id) not in chosen:
                where = line("checkins", part, "options", oi)
                gaps.append(f"{flow_path}:{where}: answer '{option.id}' of '{question.id}'")
    for i, outcome in enumerate(flow.outcomes):
        if outcome.id not in reached and not outcome.stores_nothing:
            gaps.append(f"{flow_path}:{line('outcomes', i)}: outcome '{outcome.id}'")
    return gaps
