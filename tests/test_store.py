"""Durable sessions on SQLite and PostgreSQL: survive reopening, de-duplicate, erase, expire."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.channels.conversations import Conversations
from bot.engine import Answer, Start, step
from bot.store import SessionStore, is_unavailable
from tests.conftest import NOW
from tests.tmpfs import remount, tmpfs


def run(store, flow, event, update_id=None, person="p1", now=NOW):
    return store.transact(person, lambda s, _tx: step(flow, s, event, now), update_id=update_id)


def test_a_session_survives_reopening_the_store(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start())
    run(store, flow, Answer(text="yes"))
    run(store, flow, Answer(text="no"))
    store.close()
    reopened = SessionStore(database_url)
    session = reopened.load("p1")
    assert session.state == "face_weakness"
    assert session.answers == {"consent": "agree", "emergency_signs": "no"}
    reopened.close()


def test_declining_consent_erases_the_session(database_url, flow):
    store = SessionStore(database_url)
    conversations = Conversations({flow.id: flow}, store, flow.id)
    conversations.handle("p1", Start(), now=NOW)
    assert store.load("p1") is not None
    reply = conversations.handle("p1", Answer(text="no, not now"), now=NOW).result
    assert reply.forget and store.load("p1") is None
    assert not conversations.has_answers("p1")
    store.close()


def test_a_duplicate_update_changes_nothing(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start(), update_id=10)
    first = run(store, flow, Answer(text="yes"), update_id=11)
    again = run(store, flow, Answer(text="yes"), update_id=11)
    assert not first.duplicate and again.duplicate and again.result is None
    assert store.load("p1").history == ("consent",)
    store.close()


def test_a_failing_step_saves_nothing_and_can_be_retried(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start(), update_id=1)

    def boom(session, tx):
        raise RuntimeError("crash in the middle of a step")

    with pytest.raises(RuntimeError):
        store.transact("p1", boom, update_id=2)
    assert store.load("p1").state == "consent"
    assert not run(store, flow, Answer(text="yes"), update_id=2).duplicate
    store.close()


def test_erase_removes_everything_about_a_person(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start(), person="a")
    run(store, flow, Start(), person="b")
    assert store.erase("a").result is True
    assert store.load("a") is None and store.load("b") is not None
    assert store.erase("a").result is False
    assert store.erase("b", update_id=5).result is True
    assert store.erase("b", update_id=5).duplicate
    store.close()


def test_idle_sessions_and_old_update_ids_expire(database_url, flow):
    store = SessionStore(database_url, session_ttl=timedelta(days=30))
    run(store, flow, Start(), person="old", now=NOW - timedelta(days=31))
    run(store, flow, Start(), person="new", now=NOW - timedelta(days=1))
    sessions, _ = store.purge_expired(NOW)
    assert sessions == 1
    assert store.load("old") is None and store.load("new") is not None
    store.close()


def test_steps_of_one_person_never_interleave(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start())
    run(store, flow, Answer(text="yes"))
    answers = ["no"] * 6

    def answer():
        run(store, flow, Answer(text=answers.pop()))

    threads = [threading.Thread(target=answer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Six answers on six different questions: none lost to a lost update.
    assert len(store.load("p1").history) == 7
    store.close()


def test_an_unreadable_row_is_treated_as_no_session(database_url, flow):
    store = SessionStore(database_url)
    run(store, flow, Start())
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET data = '{broken'"))
    assert store.load("p1") is None
    reply = run(store, flow, Start()).result
    assert reply.prompt.question_id == "consent"
    store.close()


def test_a_sqlite_file_that_turned_read_only_serves_again_once_writable(tmp_path, flow):
    with tmpfs(tmp_path / "disk") as disk:
        store = SessionStore(f"sqlite:///{disk / 'bot.sqlite3'}")
        run(store, flow, Start(), update_id=1)
        store.close()  # nothing open for writing, so the file system may turn read-only
        remount(disk, "ro")
        for update_id in (2, 3):  # each attempt opens a connection on the read-only file
            with pytest.raises(Exception) as refused:
                run(store, flow, Answer(text="yes"), update_id=update_id)
            assert is_unavailable(refused.value), refused.value
        remount(disk, "rw")
        assert not run(store, flow, Answer(text="yes"), update_id=2).duplicate
        assert store.load("p1").history == ("consent",)
        store.close()
