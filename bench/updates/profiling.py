"""Where the durable bot's time goes: a timed breakdown and cProfile."""

from __future__ import annotations

import cProfile
import dataclasses
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from telegram.ext import (
    Application,
)

from tests.fake_bot_api import FakeBotAPI
from updates.baseline import BaselineTexts, build_baseline
from updates.common import (
    FLOW_ID,
    FLOWS_DIR,
    UPDATES_PER_USER,
)
from updates.driving import Contender, Users, measure_speed, run_users, started
from updates.durable import build_durable, close_durable

_PACKAGES = (
    ("sqlalchemy", "/sqlalchemy/"),
    ("python-telegram-bot", "/telegram/"),
    ("pydantic", "/pydantic"),
    ("our bot", "/bot/"),
    ("asyncio", "/asyncio/"),
    ("threading/concurrent", "/concurrent/"),
    ("threading/concurrent", "/threading.py"),
    ("json", "/json/"),
    ("this benchmark", "/bench/"),
)


def _package(filename: str, function: str) -> str:
    if filename == "~":
        if "sqlite3" in function:
            return "sqlite3 (C)"
        if "pydantic_core" in function:
            return "pydantic"
        if "acquire" in function or "lock" in function.lower():
            return "threading/concurrent"
        if "epoll" in function:
            return "idle in epoll (awaiting)"
        return "builtins (C)"
    for name, needle in _PACKAGES:
        if needle in filename:
            return name
    return "stdlib/other"


def print_by_package(stats: pstats.Stats, title: str) -> None:
    """Exclusive (tottime) seconds summed per package."""
    totals: Counter[str] = Counter()
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        totals[_package(filename, function)] += tottime
    total = sum(totals.values()) or 1.0
    print(f"\n{title}: exclusive time by package")
    for name, seconds in totals.most_common():
        print(f"  {name:<24}{seconds * 1e3:>9.0f} ms  {100 * seconds / total:5.1f} %")


class _ThreadProfiler:
    """Profiles each call of a function in whatever worker thread runs it."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.profile = cProfile.Profile()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.profile.enable()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.profile.disable()


class _TimedStore:
    """Wraps the store of a durable bot: wall time awaited in ``run_soon``, spent in ``run``
    (the transaction: in place on SQLite, in a worker thread on PostgreSQL, where the
    sequential benchmark's batches hold one step each) and in the steps themselves."""

    def __init__(self, conversations: Any) -> None:
        self.store = store = conversations.store
        self.run, self.run_soon, self.handling = store.run, store.run_soon, conversations.handling
        self.await_ns = self.run_ns = self.step_ns = 0
        store.run, store.run_soon = self._run, self._run_soon
        conversations.handling = self._handling

    def reset(self) -> None:
        self.await_ns = self.run_ns = self.step_ns = 0

    async def _run_soon(self, work: Any) -> Any:
        begin = time.perf_counter_ns()
        try:
            return await self.run_soon(work)
        finally:
            self.await_ns += time.perf_counter_ns() - begin

    def _run(self, work: Any) -> Any:
        begin = time.perf_counter_ns()
        try:
            return self.run(work)
        finally:
            self.run_ns += time.perf_counter_ns() - begin

    def _handling(self, *args: Any, **kwargs: Any) -> Any:
        work = self.handling(*args, **kwargs)

        def timed_stepper(session: Any, tx: Any) -> Any:
            begin = time.perf_counter_ns()
            try:
                return work.stepper(session, tx)
            finally:
                self.step_ns += time.perf_counter_ns() - begin

        return dataclasses.replace(work, stepper=timed_stepper)


def print_breakdown(baseline: Contender, durable: Contender, timer: _TimedStore) -> None:
    """Mean wall time per update, split by where it is spent."""
    n = len(durable.latencies_ns)
    total = sum(durable.latencies_ns) / n / 1e3
    awaited, run, step = (ns / n / 1e3 for ns in (timer.await_ns, timer.run_ns, timer.step_ns))
    threaded = not timer.store.embedded
    where = "in a worker thread (group commit)" if threaded else "in place"
    rows = [
        ("process_update, all of it", total),
        (f"  SessionStore.run_soon, {where}", awaited),
        ("      the transaction: SQL, driver, pydantic", run - step),
        ("      the step: engine, rendering, audit rows", step),
    ]
    if threaded:
        rows.append(("    thread hand-off and batching (awaited minus transaction)", awaited - run))
    rows += [
        ("  event loop: python-telegram-bot, our handlers, fake API", total - awaited),
        (f"for comparison, {baseline.name}: all of process_update", baseline.seconds / n * 1e6),
    ]
    print(f"\n{durable.name}: mean wall time per update over {n} updates (unprofiled)")
    for label, micros in rows:
        print(f"  {label:<72}{micros:>7.0f} µs")


async def profile_durable(n_users: int, warmup: int, top: int, pg_url: str | None) -> None:
    """Where the durable bot's time goes: a timed breakdown, then cProfile on SQLite."""
    texts = BaselineTexts.load(FLOWS_DIR / f"{FLOW_ID}.yaml")
    timers: dict[str, _TimedStore] = {}

    def timed(name: str, url: str) -> Contender:
        def build(api: FakeBotAPI) -> Application:
            app = build_durable(url, api)
            timers[name] = _TimedStore(app.bot_data["conversations"])
            return app

        return Contender(name, build, close_durable)

    with tempfile.TemporaryDirectory(prefix="bench-updates-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        contenders = [
            Contender("baseline in-memory", lambda api: build_baseline(texts, api)),
            timed("durable sqlite", f"sqlite:///{tmp}/timed.sqlite3"),
        ]
        if pg_url:
            contenders.append(timed("durable postgresql", pg_url))
        users = Users()

        def reset() -> None:
            for timer in timers.values():
                timer.reset()

        await measure_speed(contenders, users, n_users, warmup, after_warmup=reset)
        for contender in contenders[1:]:
            print_breakdown(contenders[0], contender, timers[contender.name])

        durable = Contender("durable sqlite", lambda api: build_durable(url, api), close_durable)
        async with started(durable) as app:
            await run_users(durable, users, users.take(warmup), None)
            store = app.bot_data["conversations"].store
            worker = _ThreadProfiler(store.run)
            store.run = worker
            loop_profile = cProfile.Profile()
            await run_users(durable, users, users.take(n_users), None, loop_profile)
            store.run = worker.function
    n = n_users * UPDATES_PER_USER
    print(
        "\ncProfile of the durable bot on SQLite (profiling inflates code with many small "
        "calls, python-telegram-bot's object construction above all; trust the breakdown "
        "above for sizes, this for names)"
    )
    profiles = (("event-loop thread", loop_profile), ("the store transaction", worker.profile))
    for name, profile in profiles:
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"\n=== {name}: {total * 1e6 / n:.0f} µs per update under the profiler ===")
        print_by_package(stats, name)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
