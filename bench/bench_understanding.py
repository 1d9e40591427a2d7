"""How much reading typed answers costs, against tapping, measured in the same run.

Reads every wording of the typed-answer tables (tests/understanding/) with each
question's reader, and times a whole engine step for a typed answer against a step for
the same answer tapped. Prints microseconds per call and the ratios.

    .venv/bin/python bench/bench_understanding.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Answer, Start, compiled, step  # noqa: E402
from bot.flow import load_flow  # noqa: E402

NOW = datetime(2026, 11, 27, tzinfo=UTC)
TABLES = ("typed_answers.yaml", "blind_answers.yaml")


def _per_call(fn, calls: int, rounds: int) -> float:
    """Median microseconds per call over ``rounds`` rounds of ``calls`` calls."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) / calls * 1e6)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    flow = load_flow(ROOT / "flows" / "nostril_twitch.yaml")
    readers = compiled(flow).readers
    cases = [
        (readers[c["q"]], c["say"])
        for table in TABLES
        for c in yaml.safe_load((ROOT / "tests" / "understanding" / table).read_text("utf-8"))
    ]
    labels = [(readers[q.id], o.label) for q in flow.questions for o in q.options]

    def read_typed() -> None:
        for reader, text in cases:
            reader.read(text, NOW)

    def read_labels() -> None:
        for reader, text in labels:
            reader.read(text, NOW)

    session, _ = step(flow, None, Start(), NOW)
    session, _ = step(flow, session, Answer(text="yes"), NOW)  # at the emergency screen
    question = flow.question(session.state)
    tap = Answer(option_id="no", question_id=question.id, flow_id=flow.id)
    typed = Answer(text="no, I'm sure, none of those")

    def steps(event) -> None:
        for _ in range(2000):
            step(flow, session, event, NOW)

    typed_us = _per_call(read_typed, len(cases), args.rounds)
    label_us = _per_call(read_labels, len(labels), args.rounds)
    tap_step = _per_call(lambda: steps(tap), 2000, args.rounds)
    typed_step = _per_call(lambda: steps(typed), 2000, args.rounds)
    print(f"read a typed wording ({len(cases)} wordings): {typed_us:8.1f} µs")
    print(f"read a typed label   ({len(labels)} labels):   {label_us:8.1f} µs")
    print(f"engine step, tapped answer:            {tap_step:8.1f} µs")
    print(f"engine step, typed sentence:           {typed_step:8.1f} µs")
    print(f"typed sentence / tapped step: {typed_step / tap_step:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
