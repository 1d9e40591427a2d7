"""The publish gate: a flow version goes live only when it validates, passes the safety
check and its patient stories, and (with ``REQUIRE_APPROVAL``) has a sign-off."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.flow import Flow, FlowError, check_flow_text, read_flow_text
from bot.publish.diff import FlowDiff, diff_flows
from bot.scenarios.model import ScenarioFile
from bot.scenarios.runner import run_scenario

# A sign-off check: (flow id, content hash) -> whether someone approved it.
Approved = Callable[[str, str], bool]


@dataclass(frozen=True)
class Candidate:
    """A flow version offered for publishing: its YAML and the scenario files beside it."""

    source: str
    content: str
    scenarios: tuple[tuple[str, str], ...] = ()  # (path, text)

    def scenarios_json(self) -> str:
        """The scenario files as stored with a release."""
        return json.dumps([list(pair) for pair in self.scenarios])


@dataclass(frozen=True)
class Verdict:
    """What the gate decided: the flow to publish, or every located problem."""

    candidate: Candidate
    flow: Flow | None
    problems: list[str] = field(default_factory=list)
    stories: int = 0
    summary: str = ""  # the outcome diff against the live version, in one line

    @property
    def passed(self) -> bool:
        """Whether the version may go live."""
        return self.flow is not None and not self.problems


def read_candidate(path: Path, flows_dir: Path) -> tuple[Candidate | None, list[str]]:
    """A flow file and its scenario files (``<flows_dir>/tests/*.yaml``), or why not."""
    text, errors = read_flow_text(path)
    if text is None:
        return None, [str(e) for e in errors]
    folder = flows_dir / "tests"
    stories = []
    for story in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        story_text, _ = read_flow_text(story)
        if story_text is not None:
            stories.append((str(story), story_text))
    return Candidate(str(path), text, tuple(stories)), []


def candidate_from_release(source: str, content: str, scenarios: str | None) -> Candidate:
    """A stored release offered again (a rollback)."""
    pairs = json.loads(scenarios) if scenarios else []
    return Candidate(source, content, tuple((str(p), str(t)) for p, t in pairs))


def judge(
    candidate: Candidate,
    live: Callable[[str], Flow | None],
    *,
    approval_required: bool,
    approved: Approved,
    stories: bool = True,
    parsed: tuple[Flow | None, list[FlowError]] | None = None,
) -> Verdict:
    """Run the gate on a candidate against the version that serves now (``live`` by flow id).

    Advice that becomes less urgent on any answer path needs a sign-off, whatever
    ``approval_required`` says. Without ``stories`` the patient stories are not run;
    ``parsed`` is the result of reading the candidate, when the caller has it already."""
    flow, errors = parsed or check_flow_text(candidate.content, candidate.source)
    if flow is None:
        return Verdict(candidate, None, [str(e) for e in errors])
    problems, count = _stories(flow, candidate) if stories else ([], 0)
    current = live(flow.id)
    diff = diff_flows(current, flow) if current and current.version != flow.version else None
    signed = approved(flow.id, flow.version)
    how = f"python -m bot approve {candidate.source} --by NAME"
    if diff is not None and diff.less_urgent and not signed:
        paths = sum(c.paths for c in diff.less_urgent)
        first = diff.less_urgent[0]
        problems.append(
            f"{candidate.source}: {paths:,} answer paths would get LESS URGENT advice (e.g."
            f" {first.old} -> {first.new}: {' -> '.join(first.example)}); a clinician must"
            f" review `python -m bot diff` and sign off: {how} --accept-less-urgent"
        )
    elif approval_required and not signed:
        problems.append(
            f"{candidate.source}: version {flow.version} of flow '{flow.id}' has no approval"
            f" (REQUIRE_APPROVAL is on): run {how}"
        )
    return Verdict(candidate, flow, problems, count, summarize(current, flow, diff))


def _stories(flow: Flow, candidate: Candidate) -> tuple[list[str], int]:
    """Problems of the flow's scenario files (those naming this flow), and how many ran."""
    problems: list[str] = []
    count = 0
    for path, text in candidate.scenarios:
        try:
            data = yaml.safe_load(text)
            if not (isinstance(data, dict) and data.get("flow") == flow.id):
                continue
            stories = ScenarioFile.model_validate(data)
        except (yaml.YAMLError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            problems.append(f"{path}: error: scenario file cannot be read: {first}")
            continue
        for scenario in stories.scenarios:
            count += 1
            result = run_scenario(flow, scenario)
            problems.extend(f"{path}: FAIL {scenario.name}: {p}" for p in result.problems)
    return problems, count


def diff_summary(live: Flow | None, new: Flow) -> str:
    """One line: how the new version changes the advice against the live one."""
    diff = diff_flows(live, new) if live is not None and live.version != new.version else None
    return summarize(live, new, diff)


def summarize(live: Flow | None, new: Flow, diff: FlowDiff | None) -> str:
    """The one-line summary of an outcome diff (``diff`` of ``live`` against ``new``)."""
    if live is None:
        return "first published version"
    if diff is None:
        return "same content as the live version"
    changed = sum(c.paths for c in diff.changes)
    less = sum(c.paths for c in diff.less_urgent)
    parts = [
        f"against {live.version}: {diff.total_paths:,} answer paths",
        f"{changed:,} with another outcome ({less:,} less urgent)",
        f"{diff.tips_changed:,} with other tips",
        f"{len(diff.texts)} text changes",
    ]
    return ", ".join(parts)
