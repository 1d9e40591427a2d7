"""Several bot processes on one PostgreSQL database: throughput of each alone and together.

Each child process runs one durable bot (its own token, so replies reach the fake Bot API
its people wait on) on the shared database, warms up, says ``ready``, and starts timing
when the parent says ``go`` to all at once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import subprocess
import sys
from pathlib import Path

from bot.store import SessionStore
from updates.driving import Users
from updates.durable import build_durable
from updates.throughput import Throughput, measure

SCRIPT_PATH = Path(__file__).resolve().parent.parent / "bench_updates.py"
_BOT_IDS = itertools.count(900, 10)  # a fresh bot id per process and run: new update ids


async def child(pg_url: str, token: str, users: int, warmup: int, concurrent: int) -> int:
    """The child's side: measure, waiting for ``go`` on stdin after warming up."""

    async def ready() -> None:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)

    result = await measure(
        "durable postgresql",
        lambda api: build_durable(pg_url, api, token),
        Users(),
        users,
        warmup,
        concurrent,
        durable=True,
        ready=ready,
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**result.__dict__, "peak_kib": peak_kib}), flush=True)
    return 0


def run_processes(
    pg_url: str, n: int, users: int, warmup: int, concurrent: int, label: str = ""
) -> Throughput:
    """Run ``n`` child processes together; the result counts all their updates, and
    ``peak_mib`` holds each process's peak resident memory."""
    SessionStore(pg_url).close()  # the tables exist before the children race to create them
    args = [sys.executable, str(SCRIPT_PATH), "--child", "--pg", pg_url, "--users", str(users)]
    args += ["--warmup", str(warmup), "--concurrent", str(concurrent)]
    children = [
        subprocess.Popen(
            [*args, "--token", f"{next(_BOT_IDS) + i}:BENCH"],  # each run's updates are new
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    for proc in children:
        line = proc.stdout.readline().strip()  # type: ignore[union-attr]
        if line != "ready":
            raise RuntimeError(f"a bench process did not start: {line!r}")
    for proc in children:
        proc.stdin.write("go\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
    total = Throughput(f"{n} process{'es' if n > 1 else ''} postgresql{label}")
    for proc in children:
        out, _ = proc.communicate(timeout=600)
        part = json.loads(out.strip().splitlines()[-1])
        total.updates += part["updates"]
        total.errors += part["errors"]
        total.seconds = max(total.seconds, part["seconds"])
        total.peak_mib.append(part["peak_kib"] / 1024)
    return total


def store_sessions(pg_url: str, count: int) -> None:
    """``count`` idle sessions of another bot's people, as a long-running deployment has."""
    store = SessionStore(pg_url)
    data = '{"flow_id": "nostril_twitch", "state": "stress", "answers": {}}'
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sessions (person, flow_id, state, data, row_version, updated_at) "
            "SELECT 'telegram:1:' || n, 'nostril_twitch', 'stress', %(data)s, 1, now() "
            "FROM generate_series(1, %(count)s) AS n",
            {"data": data, "count": count},
        )
    store.close()
