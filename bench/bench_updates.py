"""Updates per second: our durable bot against a plain in-memory python-telegram-bot bot.

Both bots run in this process on the same fake Bot API (no network) and get the same updates:
per user ``/start`` and then the button presses of one whole nostril-twitch check, fed one by one
through ``await app.process_update(update)``. Only ``process_update`` is timed (building the
``Update`` objects is not). Users of the bots are interleaved in batches so that background
noise hits every bot alike. A report, not a test: it prints numbers and never fails on them.

    make bench   # or: .venv/bin/python bench/bench_updates.py [--users 300] [--pg URL|none]
    .venv/bin/python bench/bench_updates.py --profile     # where the durable bot's time goes
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from updates.baseline import BaselineTexts, build_baseline
from updates.common import (
    BATCH_USERS,
    DEFAULT_PG,
    FLOW_ID,
    FLOWS_DIR,
    MEMORY_WARMUP_USERS,
    UPDATES_PER_USER,
)
from updates.driving import Contender, Users, measure_memory, measure_speed
from updates.durable import build_durable, close_durable, postgres_database, postgres_reachable
from updates.processes import child, run_processes, store_sessions
from updates.profiling import profile_durable
from updates.report import print_report, print_throughput, print_versions
from updates.throughput import Throughput, ThroughputBot, measure_interleaved

THROUGHPUT_ROUNDS = 3  # turns per bot in the in-process throughput runs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300, help="measured users per bot (300)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured users first (20)")
    parser.add_argument(
        "--pg",
        default=DEFAULT_PG,
        help=f"PostgreSQL URL, or 'none' to skip (default {DEFAULT_PG}, skipped if unreachable)",
    )
    parser.add_argument(
        "--memory-users",
        type=int,
        default=50,
        help="users of the separate tracemalloc run per bot, 0 to skip (50; tracemalloc is slow)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead: where the durable bot's time goes (timed breakdown, cProfile on SQLite)",
    )
    parser.add_argument("--top", type=int, default=25, help="rows per profile listing (25)")
    parser.add_argument(
        "--concurrent", type=int, default=50, help="people at once in the throughput runs (50)"
    )
    parser.add_argument(
        "--throughput-users", type=int, default=300, help="people per throughput run (300)"
    )
    parser.add_argument(
        "--stored-sessions",
        type=int,
        default=100_000,
        help="then two processes again with this many sessions stored, 0 to skip (100000)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token", default="900:BENCH", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.child:
        return await child(args.pg, args.token, args.users, args.warmup, args.concurrent)
    pg_version = None if args.pg.lower() == "none" else postgres_reachable(args.pg)
    print_versions(pg_version)
    if args.profile:
        with contextlib.ExitStack() as stack:
            pg_url = None
            if pg_version:
                pg_url, how = stack.enter_context(postgres_database(args.pg))
                print(f"PostgreSQL: {how}")
            await profile_durable(args.users, args.warmup, args.top, pg_url)
        return 0
    texts = BaselineTexts.load(FLOWS_DIR / f"{FLOW_ID}.yaml")
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-updates-"))
        contenders = [
            Contender("baseline in-memory", lambda api: build_baseline(texts, api)),
            Contender(
                "durable sqlite",
                lambda api: build_durable(f"sqlite:///{tmp}/speed.sqlite3", api),
                close_durable,
            ),
        ]
        if pg_version:
            pg_url, how = stack.enter_context(postgres_database(args.pg))
            print(f"PostgreSQL: {how}")
            contenders.append(
                Contender(
                    "durable postgresql", lambda api: build_durable(pg_url, api), close_durable
                )
            )
        print(
            f"SQLite file in {tmp}; {args.users} users × {UPDATES_PER_USER} updates per bot "
            f"after {args.warmup} warm-up users, interleaved in batches of {BATCH_USERS} users\n"
        )
        started_at = time.perf_counter()
        users = Users()  # one source of ids: no user or update id is ever seen twice
        await measure_speed(contenders, users, args.users, args.warmup)
        if args.memory_users > 0:
            # PostgreSQL runs the same Python code as SQLite (its data lives in the server)
            # and is slow under tracemalloc, so memory is measured for the first two only.
            baseline, durable = contenders[:2]
            durable.build = lambda api: build_durable(f"sqlite:///{tmp}/memory.sqlite3", api)
            for c in (baseline, durable):
                await measure_memory(c, users, args.memory_users, MEMORY_WARMUP_USERS)
        print_report(contenders, args.memory_users)
        runs = await measure_throughput(
            args, texts, f"sqlite:///{tmp}/throughput.sqlite3", pg_url if pg_version else None
        )
        if pg_version:
            for n in (1, 2):
                runs.append(
                    await asyncio.to_thread(
                        run_processes,
                        pg_url,
                        n,
                        args.throughput_users // 2,
                        args.warmup,
                        args.concurrent // 2,
                    )
                )
        if pg_version and args.stored_sessions:
            await asyncio.to_thread(store_sessions, pg_url, args.stored_sessions)
            runs.append(
                await asyncio.to_thread(
                    run_processes,
                    pg_url,
                    2,
                    args.throughput_users // 2,
                    args.warmup,
                    args.concurrent // 2,
                    f" +{args.stored_sessions // 1000}k stored",
                )
            )
        print_throughput(runs, args.concurrent)
        errors_in_runs = sum(run.errors for run in runs)
        if errors_in_runs:
            print(f"ERROR {errors_in_runs} people did not finish a throughput run", file=sys.stderr)
        print(f"\nbenchmark wall time {time.perf_counter() - started_at:.1f} s")
    errors = [f"{c.name}: {e}" for c in contenders for e in c.errors]
    errors += ["throughput"] * errors_in_runs
    for line in errors[:20]:
        print("ERROR", line, file=sys.stderr)
    return 1 if errors else 0


async def measure_throughput(
    args: argparse.Namespace, texts: BaselineTexts, sqlite_url: str, pg_url: str | None
) -> list[Throughput]:
    """The baseline and the durable bot on SQLite (and PostgreSQL), many people at once, in
    this process, taking turns."""
    bots: list[ThroughputBot] = [
        ("baseline in-memory", lambda api: build_baseline(texts, api), False),
        ("durable sqlite", lambda api: build_durable(sqlite_url, api), True),
    ]
    if pg_url is not None:
        bots.append(
            ("durable postgresql", lambda api: build_durable(pg_url, api, "800:BENCH"), True)
        )
    return await measure_interleaved(
        bots, args.throughput_users, args.warmup, args.concurrent, THROUGHPUT_ROUNDS
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
