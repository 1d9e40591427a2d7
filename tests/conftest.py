"""Shared fixtures: the shipped flow, a fixed clock, and a helper that drives the engine."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.engine import Answer, Reply, Session, Start, step
from bot.flow import Flow, load_flow

ROOT = Path(__file__).resolve().parent.parent
FLOW_PATH = ROOT / "flows" / "nostril_twitch.yaml"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def flow() -> Flow:
    return load_flow(FLOW_PATH)


class Walker:
    """Drives the engine like a person would, keeping the session between steps."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.session: Session | None = None
        self.reply: Reply | None = None

    def do(self, event) -> Reply:
        self.session, self.reply = step(self.flow, self.session, event, NOW)
        return self.reply

    def start(self) -> Reply:
        return self.do(Start())

    def say(self, *texts: str) -> Reply:
        for typed in texts:
            self.do(Answer(text=typed))
        return self.reply

    def press(self, option_id: str, question_id: str | None = None) -> Reply:
        qid = question_id or self.session.state
        return self.do(Answer(option_id=option_id, question_id=qid, flow_id=self.flow.id))

    @property
    def state(self) -> str:
        return self.session.state


def tap_every_path(flow: Flow, merge_equal_states: bool = False):
    """(session, reply) at the end of every path, each answer tapped through the engine.

    With ``merge_equal_states``, paths that reach the same (question, worst red flag,
    triggers) are walked once: the outcome and its tips depend on nothing else."""
    stack, seen = [step(flow, None, Start(), NOW)[0]], set()
    while stack:
        session = stack.pop()
        question = flow.question(session.state)
        for option in question.options:
            tap = Answer(option_id=option.id, question_id=question.id)
            after, reply = step(flow, session, tap, NOW)
            if after is None or after.ended:
                yield after, reply
                continue
            key = (after.state, after.worst_red_flag, after.triggers)
            if not merge_equal_states or key not in seen:
                seen.add(key)
                stack.append(after)


@pytest.fixture
def walker(flow: Flow) -> Walker:
    return Walker(flow)


WARNING_QUESTIONS = [
    "emergency_signs", "face_weakness", "drooping", "eye_closing", "numbness", "limb_weakness",
    "speech", "swallowing", "body_twitching", "spreading", "during_sleep",
]  # fmt: skip
NO_WARNINGS = ["no"] * len(WARNING_QUESTIONS)
ALL_CLEAR_UNTIL_TRIGGERS = ["yes", *NO_WARNINGS, "days"]  # consent, warnings, duration
NO_TRIGGERS = ["no", "no", "no", "none", "no", "enough", "most days", "no", "no"]


PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_schema_url():
    """A fresh schema on the test PostgreSQL; in CI an unreachable server fails the run."""
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"t_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL at {PG_URL} is required in CI: {exc}") from exc
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    sep = "&" if "?" in PG_URL else "?"
    return admin, schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a new PostgreSQL schema, dropped afterwards."""
    admin, schema, url = _pg_schema_url()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema."""
    with pg_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh database of each backend: an SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'bot.sqlite3'}"
        return
    with pg_schema() as url:
        yield url
