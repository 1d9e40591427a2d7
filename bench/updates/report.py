"""Printing what was measured."""

from __future__ import annotations

import platform
import sqlite3
import statistics

import sqlalchemy
import telegram

from updates.common import (
    TARGET_RATIO,
)
from updates.driving import Contender
from updates.throughput import Throughput


def _percentile(sorted_values: list[int], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return float(sorted_values[index])


def _mib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**20:.2f} MiB"


def print_versions(pg_version: str | None) -> None:
    import pydantic

    parts = [
        f"Python {platform.python_version()}",
        f"python-telegram-bot {telegram.__version__}",
        f"SQLAlchemy {sqlalchemy.__version__}",
        f"SQLite {sqlite3.sqlite_version}",
        f"pydantic {pydantic.__version__}",
    ]
    if pg_version:
        parts.append(f"PostgreSQL {pg_version}")
    print(", ".join(parts))
    print(f"{platform.platform()}, {platform.machine()}")


def print_report(contenders: list[Contender], memory_users: int) -> None:
    head = f"{'bot':<22}{'updates':>8}{'upd/s':>9}{'mean µs':>10}{'p50 µs':>9}{'p99 µs':>9}"
    if memory_users:
        head += f"{'mem peak':>12}{'retained':>12}"
    print(head)
    for c in contenders:
        lat = sorted(c.latencies_ns)
        row = (
            f"{c.name:<22}{len(lat):>8}{c.rate:>9.0f}{statistics.fmean(lat) / 1e3:>10.0f}"
            f"{_percentile(lat, 0.50) / 1e3:>9.0f}{_percentile(lat, 0.99) / 1e3:>9.0f}"
        )
        if memory_users:
            row += f"{_mib(c.memory_peak):>12}{_mib(c.memory_retained):>12}"
        print(row)
    if memory_users:
        print(
            f"memory: tracemalloc in a separate untimed run of {memory_users} users per bot: "
            "peak, and retained after gc, above the start; Python allocations only (not "
            "SQLite's C-level page cache); not measured for PostgreSQL"
        )
    baseline = contenders[0]
    print()
    for c in contenders[1:]:
        ratio = c.rate / baseline.rate
        verdict = "PASS" if ratio >= TARGET_RATIO else "BELOW TARGET"
        note = "" if "sqlite" in c.name else " (the target is set for SQLite)"
        print(
            f"throughput {c.name} / {baseline.name}: {ratio:.2f}  "
            f"target ≥ {TARGET_RATIO}: {verdict}{note}"
        )
    print("\nBot API calls in the timed run, warm-up included (the same for every bot):")
    for c in contenders:
        print(f"  {c.name:<20}" + ", ".join(f"{k} {v}" for k, v in sorted(c.calls.items())))


# --------------------------------------------------------------------------------------------


def print_throughput(runs: list[Throughput], concurrent: int) -> None:
    """Updates per second of wall time with many people at once, against the baseline."""
    print(f"\nthroughput: {concurrent} people at once, each waiting for the reply to go on")
    print(f"{'bot':<28}{'updates':>8}{'seconds':>9}{'upd/s':>9}{'ratio':>8}")
    baseline = runs[0]
    for run in runs:
        ratio = run.rate / baseline.rate if baseline.rate else 0.0
        print(f"{run.name:<28}{run.updates:>8}{run.seconds:>9.1f}{run.rate:>9.0f}{ratio:>8.2f}")
    by_name = {run.name: run for run in runs}
    one, two = by_name.get("1 process postgresql"), by_name.get("2 processes postgresql")
    pg = by_name.get("durable postgresql")
    if pg is not None:
        ratio = pg.rate / baseline.rate
        verdict = "PASS" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(
            f"one process on PostgreSQL / baseline: {ratio:.2f}  target ≥ {TARGET_RATIO}: {verdict}"
        )
    for run in runs:
        if run.peak_mib:
            peaks = ", ".join(f"{mib:.0f}" for mib in run.peak_mib)
            print(f"peak resident memory per process, {run.name}: {peaks} MiB")
    if one is not None and two is not None:
        gain = two.rate / one.rate if one.rate else 0.0
        print(
            f"two processes / one process on PostgreSQL: {gain:.2f}× (each process serves "
            "its own bot token on the shared database, with half the people at once)"
        )
