"""Several people's steps in one PostgreSQL transaction: each behaves as if it ran alone."""

from __future__ import annotations

import asyncio
import threading
import time
from contextvars import copy_context

import psycopg
import pytest

from bot.engine import Answer, Start, step
from bot.store import SessionStore, TxResult, Work
from bot.store.batch_steps import run_alone, run_steps
from bot.store.group_commit import ALONE
from bot.store.inbox import MARKED
from bot.store.outbox import Outcome
from tests.conftest import NOW, PG_URL


def stepping(flow, event, *, send: str | None = None, question: str | None = None):
    """A stepper that steps the flow and queues ``send`` (a question if ``question``)."""

    def stepper(session, tx):
        new, reply = step(flow, session, event, NOW)
        if send is not None:
            tx.send(send, question)
        return new, reply

    return stepper


def outbox(store: SessionStore, person: str) -> list[str]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT payload FROM outbox WHERE person = %(p)s ORDER BY id", {"p": person}
        )
        return [row[0] for row in rows]


@pytest.fixture
def store(pg_url):
    store = SessionStore(pg_url, bot="1")
    yield store
    store.close()


def test_a_batch_saves_every_persons_step_and_queues_their_messages(store, flow):
    people = [f"telegram:1:{n}" for n in range(5)]
    works = [
        Work(p, stepping(flow, Start(), send=f"hello {p}", question="consent"), update_id=i)
        for i, p in enumerate(people, start=1)
    ]
    results = run_steps(store, works)
    assert all(isinstance(r, TxResult) and not r.duplicate for r in results)
    for person in people:
        assert store.load(person).state == "consent"
        assert outbox(store, person) == [f"hello {person}"]
    assert store.inbox.add([(3, people[2], "{}")]) == [3]  # marked processed


def test_in_one_batch_each_person_keeps_their_messages_in_order_and_their_own_question(store, flow):
    def asking(n):
        def stepper(session, tx):
            new, reply = step(flow, session, Start(), NOW)
            tx.send(f"intro {n}")
            tx.send(f"question {n}", "consent")
            tx.send(f"note {n}")  # the question stays the last prompt
            return new, reply

        return stepper

    def last_prompt(person):
        return store.transact(person, lambda session, tx: (session, tx.last_prompt())).result

    people = [f"telegram:1:{n}" for n in range(6)]
    leaving = "telegram:1:9"  # erased in the same batch, after the others' steps
    run_steps(store, [Work(leaving, asking(9), update_id=100)])
    works = [Work(p, asking(n), update_id=n + 1) for n, p in enumerate(people)]
    works.append(Work(leaving, lambda session, tx: (None, tx.erase()), update_id=101))
    results = run_steps(store, works)
    assert [r.result for r in results[-1:]] == [True]
    for n, person in enumerate(people):
        assert outbox(store, person) == [f"intro {n}", f"question {n}", f"note {n}"]
        prompt = last_prompt(person)
        assert (prompt.question_id, prompt.payload, prompt.pending) == (
            "consent",
            f"question {n}",
            True,
        )
    assert outbox(store, leaving) == [] and store.load(leaving) is None
    assert last_prompt(leaving) is None


def test_a_duplicate_or_out_of_order_update_writes_nothing_and_the_others_commit(store, flow):
    ann, bob, cid = "telegram:1:1", "telegram:1:2", "telegram:1:3"
    run_steps(store, [Work(ann, stepping(flow, Start()), update_id=10)])
    store.inbox.add([(20, bob, "{}")])  # bob's older update still waits
    works = [
        Work(ann, stepping(flow, Answer(text="yes"), send="again"), update_id=10),
        Work(bob, stepping(flow, Start(), send="too early"), update_id=21),
        Work(cid, stepping(flow, Start(), send="welcome"), update_id=30),
    ]
    again, early, fresh = run_steps(store, works)
    assert again.duplicate and early.out_of_order and not fresh.duplicate
    assert store.load(ann).state == "consent" and outbox(store, ann) == []
    assert store.load(bob) is None and outbox(store, bob) == []
    assert store.load(cid).state == "consent" and outbox(store, cid) == ["welcome"]
    assert store.inbox.add([(21, bob, "{}")]) == []  # 21 was not marked: it can come again


def test_a_failing_step_leaves_no_trace_and_the_others_commit(store, flow):
    ann, bob = "telegram:1:1", "telegram:1:2"

    def sends_then_fails(session, tx):
        tx.send("question", "consent")  # a question is written at once
        raise RuntimeError("a bug after sending")

    failed, done = run_steps(
        store,
        [
            Work(ann, sends_then_fails, update_id=1),
            Work(bob, stepping(flow, Start(), send="hi"), update_id=2),
        ],
    )
    assert isinstance(failed, RuntimeError) and isinstance(done, TxResult)
    assert store.load(ann) is None and outbox(store, ann) == []
    assert store.inbox.add([(1, ann, "{}")]) == []  # not marked: retried later
    assert store.load(bob).state == "consent" and outbox(store, bob) == ["hi"]


def test_a_database_error_in_one_step_fails_only_that_step(store, flow):
    ann, bob = "telegram:1:1", "telegram:1:2"

    def bad_sql(session, tx):
        tx.insert("INSERT INTO no_such_table VALUES (?)", (1,))
        return step(flow, session, Start(), NOW)

    failed, _done = run_steps(
        store,
        [Work(ann, bad_sql, update_id=1), Work(bob, stepping(flow, Start()), update_id=2)],
    )
    assert "no_such_table" in str(failed)
    assert store.load(ann) is None and store.load(bob).state == "consent"


def test_each_step_runs_in_its_callers_context(store, flow):
    marked_by: dict[str, set[int]] = {}
    works = []
    for n, person in enumerate(["telegram:1:1", "telegram:1:2"], start=1):
        box: set[int] = set()
        marked_by[person] = box
        context = copy_context()
        context.run(MARKED.set, box)
        works.append(Work(person, stepping(flow, Start()), update_id=n, context=context))
    run_steps(store, works)
    assert marked_by == {"telegram:1:1": {1}, "telegram:1:2": {2}}


def test_two_processes_batching_the_same_people_apply_each_update_once_in_order(pg_url, flow):
    stores = [SessionStore(pg_url, bot="1") for _ in range(2)]
    people = [f"telegram:1:{n}" for n in range(6)]
    applied: dict[str, list[int]] = {p: [] for p in people}
    lock = threading.Lock()

    def logging_step(person, update_id):
        def stepper(session, tx):
            with lock:
                applied[person].append(update_id)
            return step(flow, session, Start(), NOW)

        return stepper

    # Every person's updates 1..8, offered to both processes, in batches of all six people
    # in opposite orders: each update must be applied once, in order, with no deadlock.
    def process(store, reverse):
        for round_ in range(1, 9):
            order = people[::-1] if reverse else people
            ids = [100 * people.index(p) + round_ for p in order]
            works = [
                Work(p, logging_step(p, i), update_id=i) for p, i in zip(order, ids, strict=True)
            ]
            for work, result in zip(works, run_steps(store, works), strict=True):
                if result is ALONE:  # busy in the other process: wait by itself
                    result = run_alone(store, work)
                assert not isinstance(result, BaseException), result

    threads = [threading.Thread(target=process, args=(s, i == 1)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for n, person in enumerate(people):
        assert applied[person] == [100 * n + r for r in range(1, 9)]
    for s in stores:
        s.close()


async def test_people_writing_at_once_share_transactions_and_each_gets_their_own_reply(store, flow):
    people = [f"telegram:1:{n}" for n in range(20)]
    batches: list[int] = []
    run_batch = store._steps._run_batch
    store._steps._run_batch = lambda works: (batches.append(len(works)), run_batch(works))[1]

    async def person(n: int, who: str) -> list[str]:
        states = []
        for i, event in enumerate([Start(), Answer(text="yes"), Answer(text="no")]):
            work = Work(who, stepping(flow, event), update_id=1000 * i + n)
            result = await store.run_soon(work)
            states.append(result.result.prompt.question_id)
        return states

    answers = await asyncio.gather(*(person(n, who) for n, who in enumerate(people)))
    assert answers == [["consent", "emergency_signs", "face_weakness"]] * len(people)
    assert sum(batches) == 3 * len(people)
    assert max(batches) > 1  # shared


def test_a_person_busy_in_another_transaction_is_sent_to_run_alone(store, flow):
    ann, bob = "telegram:1:1", "telegram:1:2"
    other = psycopg.connect(PG_URL)  # another process, mid-step for bob
    other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (bob,))
    try:
        done, busy = run_steps(
            store,
            [Work(ann, stepping(flow, Start()), update_id=1), Work(bob, stepping(flow, Start()))],
        )
    finally:
        other.rollback()
        other.close()
    assert isinstance(done, TxResult) and busy is ALONE
    assert store.load(ann).state == "consent" and store.load(bob) is None


async def test_a_busy_person_waits_by_themselves_and_the_others_go_on(store, flow):
    ann, bob = "telegram:1:1", "telegram:1:2"
    other = await asyncio.to_thread(psycopg.connect, PG_URL)
    other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (bob,))
    waiting = asyncio.create_task(store.run_soon(Work(bob, stepping(flow, Start()), 2)))
    await asyncio.sleep(0.2)
    done = await store.run_soon(Work(ann, stepping(flow, Start()), 1))
    assert done.result.prompt.question_id == "consent" and not waiting.done()
    other.rollback()  # bob's other step ends
    assert (await waiting).result.prompt.question_id == "consent"
    other.close()


def test_confirming_a_delivery_while_the_person_erases_never_deadlocks(store, pg_url):
    ann, bob = "telegram:1:1", "telegram:1:2"
    for person in (ann, bob):
        store.transact(person, lambda s, tx: (s, tx.send("question", "q1")))
    sent = {outgoing.person: outgoing for outgoing in store.outbox.claim()}
    # Another transaction holds bob's last question for a moment: the confirmation of both
    # questions is slowed down right between its two people while ann erases herself.
    holder = psycopg.connect(pg_url)
    holder.execute("SELECT 1 FROM prompts WHERE person = %s FOR UPDATE", (bob,))
    errors: list[BaseException] = []

    def guarded(func):
        def run():
            try:
                func()
            except Exception as exc:
                errors.append(exc)

        return threading.Thread(target=run)

    settle = guarded(
        lambda: store.outbox.settle([Outcome(sent[ann], 100), Outcome(sent[bob], 101)])
    )
    erase = guarded(lambda: store.transact(ann, lambda s, tx: (None, tx.erase())))
    settle.start()
    time.sleep(0.3)
    erase.start()
    time.sleep(0.3)
    holder.rollback()
    holder.close()
    settle.join(10)
    erase.join(10)
    assert errors == []
    assert store.load(ann) is None and outbox(store, ann) == []


def test_two_processes_storing_the_same_updates_in_opposite_orders_never_deadlock(pg_url):
    first, second = SessionStore(pg_url, bot="1"), SessionStore(pg_url, bot="1")
    holder = psycopg.connect(pg_url)  # a third process is storing update 9 right now
    holder.execute(
        "INSERT INTO inbox (bot, update_id, attempts, received_at) VALUES ('1', 9, 0, 0)"
    )
    errors: list[BaseException] = []

    def store_updates(store, ids):
        try:
            store.inbox.add([(i, "telegram:1:1", "{}") for i in ids])
        except Exception as exc:
            errors.append(exc)

    one = threading.Thread(target=store_updates, args=(first, [1, 9, 2]))
    one.start()
    time.sleep(0.3)  # holds 1, waits for 9
    two = threading.Thread(target=store_updates, args=(second, [2, 1]))
    two.start()
    time.sleep(0.3)
    holder.rollback()
    holder.close()
    one.join(10)
    two.join(10)
    assert errors == []
    assert sorted(p.update_id for p in first.inbox.due()) == [1, 2, 9]
    first.close()
    second.close()
