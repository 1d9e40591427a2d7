"""``python -m bot diff OLD NEW``: the outcome diff as a clinician reads it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.flow import Flow, FlowLoadError, check_flow_file, check_flow_text
from bot.publish.diff import FlowDiff, diff_flows


def load_version(spec: str) -> Flow:
    """A flow from a file, or from git (``REV:path``, e.g. ``HEAD~1:flows/x.yaml``)."""
    path = Path(spec)
    if path.exists() or ":" not in spec:
        flow, errors = check_flow_file(path)
    else:
        shown = subprocess.run(["git", "show", spec], capture_output=True, text=True)
        if shown.returncode != 0:
            message = shown.stderr.strip().splitlines()[-1] if shown.stderr.strip() else spec
            raise ValueError(f"{spec}: {message}")
        flow, errors = check_flow_text(shown.stdout, spec)
    if flow is None:
        raise FlowLoadError(errors)
    return flow


def report(old_spec: str, new_spec: str, accept_less_urgent: bool) -> int:
    """Print the diff; return 1 when advice became less urgent and that was not accepted."""
    old, new = load_version(old_spec), load_version(new_spec)
    diff = show_diff(old_spec, old, new_spec, new)
    if diff.less_urgent and not accept_less_urgent:
        print(
            "error: some answers now get less urgent advice; have a clinician review the"
            " paths above, then run again with --accept-less-urgent"
        )
        return 1
    return 0


def show_diff(old_label: str, old: Flow, new_label: str, new: Flow) -> FlowDiff:
    """Print how the advice changes from ``old`` to ``new``; return the diff."""
    diff = diff_flows(old, new)
    print(
        f"{old_label} (version {old.version}) -> {new_label} (version {new.version}): "
        f"{diff.total_paths:,} answer paths"
    )
    for change in diff.changes:
        mark = "LESS URGENT" if change.less_urgent else "changed"
        print(f"  {mark}: {change.paths:,} paths: {change.old} -> {change.new}")
        print(f"      e.g. {' -> '.join(change.example)}")
    print(f"  same outcome: {diff.same:,} paths ({diff.tips_changed:,} of them with other tips)")
    if diff.texts:
        print("text changes:")
        for line in diff.texts:
            print(f"  {line}")
    return diff
