"""``python -m bot test-flows``: run every flow's scenario files and report coverage."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bot.flow import Flow, FlowLoadError, load_flow
from bot.scenarios.coverage import uncovered
from bot.scenarios.model import load_scenarios
from bot.scenarios.runner import Result, run_scenario, triage_gap


def scenario_files(flows_dir: Path) -> list[Path]:
    """The scenario files beside the flows: ``<flows_dir>/tests/*.yaml``."""
    folder = flows_dir / "tests"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def test_flows(flows_dir: Path, paths: list[Path]) -> int:
    """Run the scenario files (default: all of them); print results; return the exit code."""
    paths = paths or scenario_files(flows_dir)
    if not paths:
        print(f"error: no scenario files in {flows_dir / 'tests'}")
        return 1
    failed = 0
    by_flow: dict[Path, tuple[Flow, list[Result]]] = {}
    for path in paths:
        try:
            scenarios = load_scenarios(path)
            flow_path = flows_dir / f"{scenarios.flow}.yaml"
            flow = by_flow[flow_path][0] if flow_path in by_flow else load_flow(flow_path)
        except (OSError, ValueError, FlowLoadError) as exc:
            print(f"{path}: error: {exc}")
            failed += 1
            continue
        results = [run_scenario(flow, scenario) for scenario in scenarios.scenarios]
        failed += _report_file(path, flow, results)
        by_flow.setdefault(flow_path, (flow, []))[1].extend(results)
    for flow_path, (flow, results) in by_flow.items():
        missing = uncovered(flow, flow_path, results)
        checkin_questions = flow.checkins.questions() if flow.checkins else ()
        total = sum(len(q.options) for q in (*flow.questions, *checkin_questions))
        total += len(flow.outcomes)
        print(f"coverage of {flow_path}: {total - len(missing)} of {total} answers and outcomes")
        for gap in missing:
            print(f"  not exercised: {gap}")
    return 1 if failed else 0


def _report_file(path: Path, flow: Flow, results: list[Result]) -> int:
    """Print one scenario file's results; return how many failed."""
    bad = [r for r in results if not r.passed]
    for result in bad:
        print(f"{path}: FAIL {result.scenario.name}")
        for problem in result.problems:
            print(f"    {problem}")
    gaps = [triage_gap(flow, r) for r in results]
    counts = defaultdict(int)
    for result in results:
        counts["asked"] += len(result.asked)
        counts["read back"] += result.read_backs
        counts["asked again"] += result.asked_again
    print(
        f"{path}: {len(results)} scenarios, {len(results) - len(bad)} passed, "
        f"{len(bad)} failed; under-triage {sum(g < 0 for g in gaps)}, "
        f"over-triage {sum(g > 0 for g in gaps)}; {counts['asked']} questions answered, "
        f"typed answers read back {counts['read back']} times, asked again "
        f"{counts['asked again']} times"
    )
    return len(bad)
