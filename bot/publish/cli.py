"""``python -m bot releases``, ``approve FLOW --by NAME`` and ``stats``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.audit.stats import advice_report, stats_report
from bot.flow import FlowLoadError, check_flow_text, check_flows, load_flow
from bot.publish.diff_report import show_diff
from bot.publish.gate import diff_summary
from bot.settings import Settings
from bot.store import SessionStore
from bot.store.releases import Releases


def releases(settings: Settings, flow_id: str | None) -> int:
    """Print every published version, oldest first."""
    store = SessionStore(settings.database_url)
    try:
        history = Releases(store.engine).history(flow_id)
    finally:
        store.close()
    if not history:
        print("no releases recorded yet" + (f" for flow '{flow_id}'" if flow_id else ""))
        return 0
    for release in history:
        when = release.published_at.strftime("%Y-%m-%d %H:%M:%S")
        state = " (rolled back)" if release.withdrawn_at else ""
        print(
            f"#{release.id} {when} {release.flow_id} {release.version}{state}"
            f" by {release.published_by} from {release.source}"
        )
        print(f"    {release.diff_summary}")
    return 0


def approve(settings: Settings, name: str, by: str, accept_less_urgent: bool) -> int:
    """Show the outcome diff against the live version, then record the sign-off."""
    path = Path(name) if name.endswith((".yaml", ".yml")) else settings.flows_dir / f"{name}.yaml"
    try:
        flow = load_flow(path)
    except FlowLoadError as exc:
        print(f"error: {path} has problems:\n{exc}")
        return 1
    store = SessionStore(settings.database_url)
    try:
        book = Releases(store.engine)
        live_release = book.live(flow.id)
        live = (
            check_flow_text(live_release.content, live_release.source)[0] if live_release else None
        )
        if live is None:
            print(f"flow '{flow.id}' has no live version yet: approving its first version")
        else:
            diff = show_diff(f"live {flow.id}", live, str(path), flow)
            if diff.less_urgent and not accept_less_urgent:
                print(
                    "error: some answers would get less urgent advice; review the paths above,"
                    " then approve with --accept-less-urgent"
                )
                return 1
        book.approve(flow.id, flow.version, by, diff_summary(live, flow))
    finally:
        store.close()
    print(f"approved flow '{flow.id}' version {flow.version} by {by}")
    return 0


def stats(settings: Settings, since: datetime | None, version: str | None) -> int:
    """Print the anonymous statistics (or one version's advice per set of answers)."""
    store = SessionStore(settings.database_url)
    try:
        if version is not None:
            print(advice_report(store.engine, version, since))
        else:
            flows, _ = check_flows(settings.flows_dir)
            print(stats_report(store.engine, since, flows))
    finally:
        store.close()
    return 0
