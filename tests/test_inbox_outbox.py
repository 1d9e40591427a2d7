"""The inbox and outbox on SQLite and PostgreSQL: order, de-duplication, leases, privacy."""

from __future__ import annotations

import threading

from sqlalchemy import text

from bot.engine import Answer, Start, step
from bot.store import SessionStore
from bot.store.outbox import Outcome
from tests.conftest import NOW


def stepper(flow, event):
    return lambda session, _tx: step(flow, session, event, NOW)


def drain(store: SessionStore, flow, person: str, log: list[int]) -> None:
    """Process the person's updates like a worker process would (one 'process' per store)."""
    while (pending := store.inbox.next(person)) is not None:

        def logged(session, tx, update_id=pending.update_id):
            log.append(update_id)  # under the person's lock: the order of the steps
            return step(flow, session, Start(), NOW)

        store.transact(person, logged, update_id=pending.update_id)


def test_stored_updates_are_processed_once_in_order_by_several_processes(database_url, flow):
    first, second = SessionStore(database_url), SessionStore(database_url)
    first.inbox.add([(i, "p1", f'{{"n": {i}}}') for i in range(1, 21)])
    assert first.inbox.add([(5, "p1", "{}")]) == [5]  # a re-delivery is ignored
    log: list[int] = []
    threads = [threading.Thread(target=drain, args=(s, flow, "p1", log)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log == list(range(1, 21))
    assert first.inbox.unprocessed() == 0
    with first.engine.connect() as conn:
        kept = conn.execute(text("SELECT person, payload FROM inbox")).all()
    assert set(kept) == {(None, None)}  # only the ids remain
    first.close()
    second.close()


def test_a_newer_update_waits_for_an_older_one_of_the_same_person(database_url, flow):
    store = SessionStore(database_url)
    store.inbox.add([(1, "p1", "{}"), (2, "p1", "{}"), (3, "p2", "{}")])
    assert store.transact("p1", stepper(flow, Start()), update_id=2).out_of_order
    assert not store.transact("p2", stepper(flow, Start()), update_id=3).out_of_order
    assert store.inbox.due_people() == ["p1"]
    store.close()


def test_the_outbox_delivers_each_persons_messages_in_order_once(database_url, flow):
    store, other = SessionStore(database_url), SessionStore(database_url)

    def send(person: str, *payloads: str):
        def queue(session, tx):
            for payload in payloads:
                tx.send(payload, question_id="q" if payload.endswith("?") else None)
            return session, None

        store.transact(person, queue)

    send("a", "a1", "a2?")
    send("b", "b1")
    batch = store.outbox.claim()
    assert [o.payload for o in batch] == ["a1", "a2?", "b1"]  # each person's queue, in order
    assert other.outbox.claim() == []  # leased: another process does not send them too
    send("a", "a3")  # queued while a's queue is leased: nobody else may send it before a2
    assert other.outbox.claim() == []
    first, _question, b1 = batch
    store.outbox.delivered(first, None)
    store.outbox.delivered(b1, None)
    store.outbox.retry_later(_question, 0)  # failed, gives its lease back
    (question, a3) = other.outbox.claim()
    assert (question.payload, a3.payload) == ("a2?", "a3")
    other.outbox.retry_later(question, 60)  # a 429: it waits, and a3 behind it
    other.outbox.settle([], [a3])
    assert store.outbox.claim() == []
    store.close()
    other.close()


def test_a_round_is_confirmed_and_the_next_claimed_in_one_go(database_url, flow):
    store, other = SessionStore(database_url), SessionStore(database_url)

    def send(person: str, payload: str):
        def queue(session, tx):
            tx.send(payload)
            return session, None

        store.transact(person, queue)

    send("a", "a1")
    (a1,) = store.outbox.claim()
    send("a", "a2")  # queued while a1 was being sent
    send("b", "b1")
    batch = store.outbox.settle_and_claim([Outcome(a1, message_id=7)])
    assert [o.payload for o in batch] == ["a2", "b1"]  # a1 confirmed; the rest now leased
    assert other.outbox.claim() == []
    assert store.outbox.undelivered() == 2
    assert store.outbox.settle_and_claim([Outcome(o) for o in batch]) == []
    assert store.outbox.undelivered() == 0
    store.close()
    other.close()


def test_a_typed_answer_needs_its_question_delivered_first(database_url, flow):
    store = SessionStore(database_url)

    def record(session, tx):
        new, reply = step(flow, session, Start(), NOW)
        tx.send("ask", question_id=reply.prompt.question_id)
        return new, tx.last_prompt()

    last = store.transact("p1", record).result
    assert last.question_id == "consent" and last.message_id is None and last.pending
    (outgoing,) = store.outbox.claim()
    store.outbox.delivered(outgoing, 41)
    seen = store.transact("p1", lambda s, tx: (s, tx.last_prompt())).result
    assert seen.message_id == 41 and not seen.pending
    reply = store.transact("p1", stepper(flow, Answer(text="yes"))).result
    assert reply.answered.question_id == "consent"
    store.close()


def test_forget_leaves_no_session_question_or_pending_reply(database_url, flow):
    store = SessionStore(database_url)

    def start(session, tx):
        new, reply = step(flow, session, Start(), NOW)
        tx.send("ask", question_id=reply.prompt.question_id)
        return new, None

    store.transact("p1", start)
    assert store.erase("p1").result is True
    with store.engine.connect() as conn:
        for table in ("sessions", "prompts", "outbox"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
    store.close()


def test_messages_after_a_question_keep_the_question_as_the_last_prompt(database_url, flow):
    store = SessionStore(database_url)

    def ask_between(session, tx):
        for payload, question in (("note", None), ("ask?", "consent"), ("hint", None)):
            tx.send(payload, question)
        return session, tx.last_prompt()

    last = store.transact("p1", ask_between).result
    assert (last.question_id, last.payload, last.pending) == ("consent", "ask?", True)
    note, ask, hint = store.outbox.claim()
    assert [note.payload, ask.payload, hint.payload] == ["note", "ask?", "hint"]
    store.outbox.settle(
        [Outcome(note, 40), Outcome(ask, 41), Outcome(hint, 42)]  # ids Telegram gave them
    )
    seen = store.transact("p1", lambda s, tx: (s, tx.last_prompt())).result
    assert seen.message_id == 41 and not seen.pending
    store.close()


def test_an_erasure_drops_what_the_same_step_queued_before_it(database_url, flow):
    store = SessionStore(database_url)

    def queue_then_erase(session, tx):
        tx.send("you said yes")
        tx.erase()
        tx.send("erased")
        return None, None

    store.transact("p1", queue_then_erase)
    assert [o.payload for o in store.outbox.claim()] == ["erased"]
    store.close()


def test_an_update_delivered_twice_in_one_call_is_stored_once(database_url):
    store = SessionStore(database_url)
    assert store.inbox.add([(7, "p1", "{}"), (8, "p1", "{}"), (7, "p1", "{}")]) == [7]
    assert [p.update_id for p in store.inbox.due()] == [7, 8]
    store.close()
