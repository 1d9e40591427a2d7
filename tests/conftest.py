"""Shared fixtures: the shipped flow, a fixed clock, and a helper that drives the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

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
        for text in texts:
            self.do(Answer(text=text))
        return self.reply

    def press(self, option_id: str, question_id: str | None = None) -> Reply:
        qid = question_id or self.session.state
        return self.do(Answer(option_id=option_id, question_id=qid, flow_id=self.flow.id))

    @property
    def state(self) -> str:
        return self.session.state


@pytest.fixture
def walker(flow: Flow) -> Walker:
    return Walker(flow)


NO_WARNINGS = ["no"] * 7  # emergency screen + six warning signs
ALL_CLEAR_UNTIL_TRIGGERS = ["yes", *NO_WARNINGS, "days"]  # consent, warnings, duration
