"""The anonymous audit: steps counted and outcomes recorded without any person key."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.audit.stats import advice_report, stats_report
from bot.channels.conversations import Conversations
from bot.engine import Answer, Start
from bot.flow import Flow
from bot.store import SessionStore
from bot.store.schema import check_events, outcome_records


@pytest.fixture
def bot(database_url: str, flow: Flow):
    conversations = Conversations({flow.id: flow}, SessionStore(database_url), flow.id)
    yield conversations
    conversations.store.close()


def tap(bot: Conversations, person: str, question: str, option: str) -> None:
    bot.handle(person, Answer(option_id=option, question_id=question, flow_id="nostril_twitch"))


def test_audit_tables_hold_no_person_key():
    for table in (check_events, outcome_records):
        assert not {"person", "chat_id", "user_id"} & set(table.c.keys())


def test_steps_and_outcomes_are_counted_and_previews_are_not(bot: Conversations, flow: Flow):
    for person in ("telegram:1", "preview:telegram:9"):
        bot.handle(person, Start())
        tap(bot, person, "consent", "agree")
        bot.handle(person, Answer(text="purple elephants"))  # asked again
        tap(bot, person, "emergency_signs", "not_sure")  # -> the emergency outcome
    bot.handle("telegram:2", Start())  # starts, never finishes
    bot.handle("telegram:3", Start())
    tap(bot, "telegram:3", "consent", "decline")  # declines: nothing kept about them

    report = stats_report(bot.store.engine, None, {flow.id: flow})
    assert report.splitlines()[0] == (
        "Checks (all time): started 3, finished 1, declined at consent 1,"
        " abandoned or still going 1"
    )
    assert "  consent: 3, drop-off 1 (33%)" in report
    assert (
        "  emergency_signs: 1, drop-off 0 (0%), not sure 100%, asked again 1 of 1 typed" in report
    )
    assert f"  nostril_twitch {flow.version}: emergency 1 (100%)" in report

    with bot.store.engine.connect() as conn:
        [row] = conn.execute(select(outcome_records)).mappings().all()
    assert row["outcome"] == "emergency" and row["red_flags"] == "emergency_signs=emergency"
    assert row["reached_at"].minute == 0 and row["reached_at"].second == 0
    advice = advice_report(bot.store.engine, flow.version)
    assert "1 x emergency [red flags: emergency_signs=emergency]: consent=agree" in advice
