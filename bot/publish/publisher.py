"""Publishing without restarts: every new flow version goes through the gate, is swapped in
between two updates, and is recorded as a release; a refused one leaves the old serving."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.flow import Flow, check_flow_text, flow_files
from bot.publish.gate import (
    Candidate,
    Verdict,
    candidate_from_release,
    judge,
    read_candidate,
)
from bot.store.releases import Release, Releases

log = logging.getLogger(__name__)


class LiveFlows(Protocol):
    """What the publisher swaps flows in: the conversation service."""

    flows: dict[str, Flow]

    def swap_flow(self, flow: Flow) -> None:
        """Serve ``flow`` from the next update on."""

    def drop_flow(self, flow_id: str) -> None:
        """Stop serving a flow (one refused at start-up with no release to fall back on)."""


@dataclass(frozen=True)
class Published:
    """What one publish attempt did, for the log and the admins."""

    source: str
    flow_id: str | None
    version: str | None
    live: bool
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A short text for an admin: the outcome, then each problem on its own line."""
        if self.live:
            return f"published flow '{self.flow_id}' version {self.version}: {self.summary}"
        head = f"NOT published: {self.source}; what served before keeps serving"
        return "\n".join([head, *self.problems])


class Publisher:
    """The one way a flow version goes live (start-up, file watcher, /reload, /rollback)."""

    def __init__(
        self,
        live: LiveFlows,
        releases: Releases,
        flows_dir: Path,
        *,
        require_approval: bool = False,
    ):
        self.live = live
        self.releases = releases
        self.flows_dir = flows_dir
        self.require_approval = require_approval
        self._lock = threading.Lock()  # the watcher and /reload may publish at once
        self._refused: dict[str, str] = {}  # source -> content last refused (reported once)
        self.startup: list[Published] = []  # what adopt_loaded did, for the admins

    def adopt_loaded(self) -> list[Published]:
        """At start-up: gate the flow files against their last release; a refused file is
        replaced by its last release (or left out when it has none)."""
        results = []
        with self._lock:
            # The first start on an empty database has nothing to fall back on: validation
            # and the safety proof decide (the stories run in `make test`), which keeps a
            # fresh start fast; every later version faces the whole gate.
            stories = self.releases.any()
            for path in flow_files(self.flows_dir):
                candidate, _ = read_candidate(path, self.flows_dir)
                if candidate is None:
                    continue  # already reported by the loader
                result = self._offer(candidate, "startup", current=self._released, stories=stories)
                if result is None:
                    continue
                results.append(result)
                if not result.live and result.flow_id in self.live.flows:
                    self._fall_back(result.flow_id)
        self.startup = results
        return results

    def reload(self, by: str, *, again: bool = False) -> list[Published]:
        """Offer every flow file whose content differs from what serves; report each attempt.

        A file refused before with the same content is offered again only with ``again``
        (an admin's /reload, after an approval say), so the watcher reports it once."""
        results = []
        with self._lock:
            for path in flow_files(self.flows_dir) if self.flows_dir.is_dir() else []:
                candidate, problems = read_candidate(path, self.flows_dir)
                if candidate is None:
                    results.append(Published(str(path), None, None, False, problems=problems))
                    continue
                if not again and self._refused.get(candidate.source) == candidate.content:
                    continue
                result = self._offer(candidate, by)
                if result is not None:
                    results.append(result)
        return results

    def rollback(self, flow_id: str, by: str) -> Published:
        """Put the release before the serving one back (through the gate)."""
        with self._lock:
            history = self.releases.history(flow_id)
            current = history[-1] if history else None
            earlier = [
                r
                for r in history[:-1]
                if current and r.withdrawn_at is None and r.version != current.version
            ]
            if current is None or not earlier:
                problem = f"flow '{flow_id}' has no earlier release to go back to"
                return Published(flow_id, flow_id, None, False, problems=[problem])
            previous = earlier[-1]
            candidate = candidate_from_release(
                previous.source, previous.content, previous.scenarios
            )
            result = self._offer(candidate, f"rollback by {by}", quiet_if_live=False, rollback=True)
            assert result is not None
            if result.live:
                self.releases.withdraw(current.id)
            return result

    def _offer(
        self,
        candidate: Candidate,
        by: str,
        *,
        current: Callable[[str], Flow | None] | None = None,
        quiet_if_live: bool = True,
        rollback: bool = False,
        stories: bool = True,
    ) -> Published | None:
        """Gate a candidate and publish it; None when that very version already serves."""
        serving_of = current or self.live.flows.get
        parsed = check_flow_text(candidate.content, candidate.source)
        flow = parsed[0]
        if flow is not None and self._serving_version(flow.id, current) == flow.version:
            self._refused.pop(candidate.source, None)  # nothing to do: no stories to run
            if quiet_if_live:
                return None
            return Published(candidate.source, flow.id, flow.version, True, "already live")
        verdict = judge(
            candidate,
            serving_of,
            approval_required=self.require_approval,
            # A rollback restores a version that passed the gate of its time.
            approved=lambda fid, ver: rollback or self.releases.approval(fid, ver) is not None,
            stories=stories,
            parsed=parsed,
        )
        if flow is not None and not rollback and self.releases.withdrawn(flow.id, flow.version):
            verdict.problems.append(
                f"{candidate.source}: version {flow.version} was rolled back; change the file"
                " to publish again"
            )
        if not verdict.passed:
            self._refused[candidate.source] = candidate.content
            result = self._refusal(verdict)
            log.warning("%s", result.describe().replace("\n", " | "))
            return result
        assert flow is not None
        summary = verdict.summary
        if stories:
            summary += f"; {verdict.stories} patient stories passed"
        else:
            summary += " (patient stories not run on a first start)"
        self.releases.record(
            flow_id=flow.id,
            version=flow.version,
            source=candidate.source,
            content=candidate.content,
            scenarios=candidate.scenarios_json(),
            diff_summary=summary,
            published_by=by,
        )
        self.live.swap_flow(flow)
        self._refused.pop(candidate.source, None)
        # At start-up the bot may still fail to start, which must then be the only line.
        level = logging.DEBUG if by == "startup" else logging.INFO
        log.log(level, "published flow %s version %s (%s): %s", flow.id, flow.version, by, summary)
        return Published(candidate.source, flow.id, flow.version, True, summary)

    def _refusal(self, verdict: Verdict) -> Published:
        flow = verdict.flow
        return Published(
            verdict.candidate.source,
            flow.id if flow else None,
            flow.version if flow else None,
            False,
            problems=verdict.problems,
        )

    def _fall_back(self, flow_id: str) -> None:
        """Serve the last release of a flow whose file was refused at start-up, or drop it."""
        flow = self._released(flow_id)
        if flow is not None:
            self.live.swap_flow(flow)
            log.warning("flow %s: serving its last release %s", flow_id, flow.version)
        else:
            self.live.drop_flow(flow_id)

    def _serving_version(
        self, flow_id: str, current: Callable[[str], Flow | None] | None
    ) -> str | None:
        """The version that serves (at start-up: the last release, without parsing it)."""
        if current is None:
            serving = self.live.flows.get(flow_id)
            return serving.version if serving else None
        release = self.releases.live(flow_id)
        return release.version if release else None

    def _released(self, flow_id: str) -> Flow | None:
        """The flow of the last release, as it was published."""
        release = self.releases.live(flow_id)
        if release is None:
            return None
        flow, _ = check_flow_text(release.content, release.source)
        return flow


def last_releases(releases: Releases, flows_dir: Path, exclude: set[str]) -> dict[str, Flow]:
    """The last release of each flow not in ``exclude`` whose file is still in ``flows_dir``
    (it failed to load): a broken file falls back to what was published."""
    found: dict[str, Flow] = {}
    newest: dict[str, Release] = {}
    for release in releases.history():
        if release.withdrawn_at is None:
            newest[release.flow_id] = release
    for flow_id, release in newest.items():
        if flow_id in exclude or not (flows_dir / Path(release.source).name).is_file():
            continue
        flow, _ = check_flow_text(release.content, release.source)
        if flow is not None:
            found[flow_id] = flow
    return found
