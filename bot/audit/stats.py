"""Statistics for admins from the anonymous audit: checks, drop-off, uncertainty, outcomes."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Engine

from bot.flow import Flow
from bot.store.audit_log import event_counts, outcome_counts


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def stats_report(
    engine: Engine, since: datetime | None = None, flows: dict[str, Flow] | None = None
) -> str:
    """The statistics as text (for /stats and ``python -m bot stats``)."""
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for row in event_counts(engine, since):
        counts[(row.kind, row.question_id)] += row.count
    started, finished = counts[("started", None)], counts[("finished", None)]
    declined = counts[("declined", None)]
    window = f"since {since:%Y-%m-%d}" if since else "all time"
    lines = [
        f"Checks ({window}): started {started}, finished {finished}, declined at consent"
        f" {declined}, abandoned or still going {max(0, started - finished - declined)}"
    ]
    questions = {q for kind, q in counts if q is not None and kind == "reached"}
    order = [q.id for flow in (flows or {}).values() for q in flow.questions]
    ranked = sorted(questions, key=lambda q: (order.index(q) if q in order else len(order), q))
    if ranked:
        lines.append("Per question: reached, drop-off, not sure, typed answers asked again")
    for qid in ranked:
        reached, answered = counts[("reached", qid)], counts[("answered", qid)]
        drop = max(0, reached - answered)
        typed, again = counts[("typed", qid)], counts[("asked_again", qid)]
        lines.append(
            f"  {qid}: {reached}, drop-off {drop} ({_pct(drop, reached)}),"
            f" not sure {_pct(counts[('not_sure', qid)], answered)},"
            f" asked again {again} of {typed} typed ({_pct(again, typed)})"
        )
    mix: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for row in outcome_counts(engine, since):
        mix[(row.flow_id, row.version)].append((row.outcome, row.count))
    if mix:
        lines.append("Outcomes per version:")
    for (flow_id, version), outcomes in sorted(mix.items()):
        merged: dict[str, int] = defaultdict(int)
        for outcome, count in outcomes:
            merged[outcome] += count
        total = sum(merged.values())
        parts = ", ".join(
            f"{o} {n} ({_pct(n, total)})" for o, n in sorted(merged.items(), key=lambda x: -x[1])
        )
        lines.append(f"  {flow_id} {version}: {parts}")
    return "\n".join(lines)


def advice_report(engine: Engine, version: str, since: datetime | None = None) -> str:
    """For an incident review: what one version advised for each set of answers, and how
    many got that advice."""
    rows = outcome_counts(engine, since, version=version, by_answers=True)
    if not rows:
        return f"no outcomes recorded for version {version}"
    lines = [f"Advice given by version {version}, most frequent first:"]
    for row in rows:
        answers = json.loads(row.answers or "{}")
        given = ", ".join(f"{q}={o}" for q, o in answers.items())
        flags = f" [red flags: {row.red_flags}]" if row.red_flags else ""
        lines.append(f"  {row.count} x {row.outcome}{flags}: {given}")
    return "\n".join(lines)
