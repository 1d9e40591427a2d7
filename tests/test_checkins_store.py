"""Scheduled check-ins on SQLite and PostgreSQL: fire when due, once, after a restart, also
with two processes claiming at the same time; cancelled by /forget; same retention as
sessions."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from bot.channels.conversations import Conversations
from bot.channels.followups import fire
from bot.engine import Answer, Start, step
from bot.reports.documents import EXPORT, Documents
from bot.store import SessionStore
from tests.conftest import ALL_CLEAR_UNTIL_TRIGGERS, NO_TRIGGERS, NOW

WEEK = timedelta(days=7)


def accepted_offer(flow, now=NOW):
    """A session that reached self-care and chose "In 1 week", and the reply to that."""
    session, _ = step(flow, None, Start(), now)
    for typed in [*ALL_CLEAR_UNTIL_TRIGGERS, *NO_TRIGGERS]:
        session, _ = step(flow, session, Answer(text=typed), now)
    offer = Answer(option_id="one_week", question_id="checkin_offer", flow_id=flow.id)
    return step(flow, session, offer, now)


def schedule(store, flow, person):
    session, reply = accepted_offer(flow)
    store.transact(
        person, lambda _s, tx: (session, tx.checkins.schedule(flow.id, reply.checkin_at))
    )


class Sent:
    """A channel that records what a fired check-in queued."""

    def __init__(self):
        self.replies = []
        self.lock = threading.Lock()

    def __call__(self, reply, tx):
        with self.lock:
            self.replies.append((tx.person, reply))


def fire_due(conversations, now, sent):
    fired = 0
    for checkin_id, person in conversations.store.checkins.due(now, 100, "p"):
        if fire(conversations, checkin_id, person, now, sent).result is not None:
            fired += 1
    return fired


def test_a_check_in_fires_when_due_and_only_then(database_url, flow):
    store = SessionStore(database_url)
    conversations = Conversations({flow.id: flow}, store, flow.id)
    session, reply = accepted_offer(flow)
    store.transact("p1", lambda _s, tx: (session, tx.checkins.schedule(flow.id, reply.checkin_at)))
    sent = Sent()
    assert fire_due(conversations, NOW + WEEK - timedelta(minutes=1), sent) == 0
    assert fire_due(conversations, NOW + WEEK, sent) == 1
    assert [r.prompt.question_id for _, r in sent.replies] == ["checkin_signs"]
    assert store.load("p1").followup.stage == "signs"
    assert fire_due(conversations, NOW + 2 * WEEK, sent) == 0  # fired once
    store.close()


def test_a_scheduled_check_in_survives_a_restart(database_url, flow):
    store = SessionStore(database_url)
    schedule(store, flow, "p1")
    store.close()
    reopened = SessionStore(database_url)
    sent = Sent()
    assert fire_due(Conversations({flow.id: flow}, reopened, flow.id), NOW + WEEK, sent) == 1
    reopened.close()


def test_a_crash_while_firing_leaves_the_check_in_to_fire_later(database_url, flow):
    store = SessionStore(database_url)
    conversations = Conversations({flow.id: flow}, store, flow.id)
    schedule(store, flow, "p1")
    [(checkin_id, person)] = store.checkins.due(NOW + WEEK, 10, "p")

    def crash(reply, tx):
        raise RuntimeError("the process died before committing")

    with pytest.raises(RuntimeError):
        fire(conversations, checkin_id, person, NOW + WEEK, crash)
    assert fire_due(conversations, NOW + WEEK, Sent()) == 1
    store.close()


def test_two_processes_claiming_at_once_fire_each_check_in_once(database_url, flow):
    people = [f"p{i}" for i in range(12)]
    setup = SessionStore(database_url)
    for person in people:
        schedule(setup, flow, person)
    stores = [SessionStore(database_url) for _ in range(2)]  # two engines: two processes
    sent = Sent()
    barrier = threading.Barrier(2)
    errors = []

    def process(store):
        conversations = Conversations({flow.id: flow}, store, flow.id)
        due = store.checkins.due(NOW + WEEK, 100, "p")
        barrier.wait()
        try:
            for checkin_id, person in due:  # both saw every check-in due
                fire(conversations, checkin_id, person, NOW + WEEK, sent)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=process, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(person for person, _ in sent.replies) == sorted(people)
    assert setup.checkins.due(NOW + 10 * WEEK, 100, "p") == []
    for store in [setup, *stores]:
        store.close()


def test_forget_cancels_the_check_ins_and_nothing_is_sent(database_url, flow):
    store = SessionStore(database_url)
    conversations = Conversations({flow.id: flow}, store, flow.id)
    schedule(store, flow, "p1")
    [(checkin_id, _)] = store.checkins.due(NOW + WEEK, 10, "p")
    assert conversations.forget("p1").result is True
    sent = Sent()
    assert store.checkins.of_person("p1") == []
    assert fire(conversations, checkin_id, "p1", NOW + WEEK, sent).result is None
    assert sent.replies == []
    store.close()


def test_a_person_can_cancel_only_their_own_check_in(database_url, flow):
    store = SessionStore(database_url)
    schedule(store, flow, "p1")
    [scheduled] = store.checkins.of_person("p1")
    other = store.transact("p2", lambda s, tx: (s, tx.checkins.cancel(scheduled.id))).result
    assert other is False and store.checkins.of_person("p1") == [scheduled]
    own = store.transact("p1", lambda s, tx: (s, tx.checkins.cancel(scheduled.id))).result
    assert own is True and store.checkins.of_person("p1") == []
    store.close()


def test_check_ins_expire_with_their_session(database_url, flow):
    store = SessionStore(database_url, session_ttl=timedelta(days=30))
    schedule(store, flow, "p1")
    store.purge_expired(NOW + timedelta(days=29))
    assert len(store.checkins.of_person("p1")) == 1
    store.purge_expired(NOW + timedelta(days=31))
    assert store.checkins.of_person("p1") == [] and store.load("p1") is None
    store.close()


def test_export_lists_scheduled_and_answered_check_ins(database_url, flow):
    store = SessionStore(database_url)
    conversations = Conversations({flow.id: flow}, store, flow.id)
    schedule(store, flow, "p1")
    fire_due(conversations, NOW + WEEK, Sent())
    conversations.handle("p1", Answer(text="no"), now=NOW + WEEK)
    conversations.handle("p1", Answer(text="better"), now=NOW + WEEK)  # offers another
    conversations.handle("p1", Answer(text="2 weeks"), now=NOW + WEEK)
    document = Documents({flow.id: flow}, store).render(EXPORT, "p1", bot_name="test")
    exported = json.loads(document.content)
    [scheduled] = exported["scheduled_checkins"]
    assert scheduled["flow"] == flow.id and scheduled["due_at"].startswith("2026-12-17")
    [answered] = exported["session"]["followup"]["history"]
    assert (answered["signs"], answered["progress"]) == ("no", "better")
    assert answered["asked_at"].startswith((NOW + WEEK).date().isoformat())
    store.close()
