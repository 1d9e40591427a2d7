"""Group commit: concurrent calls share a batch, one per person, in the order they came."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.store.group_commit import ALONE, GroupCommit


class Recorder:
    """A batch function that records its batches; item ``"bad"`` fails alone, ``"boom"``
    fails the whole batch, ``"busy"`` is sent to run by itself (``alone``), which waits for
    ``free``."""

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, int]]] = []
        self.alone: list[tuple[str, int]] = []
        self.release = threading.Event()
        self.release.set()
        self.free = threading.Event()
        self.free.set()

    def __call__(self, items: list[tuple[str, int]]) -> list[object]:
        self.release.wait(5)
        self.batches.append(list(items))
        if any(name == "boom" for name, _ in items):
            raise RuntimeError("the batch failed")
        return [self._result(name, n) for name, n in items]

    def _result(self, name: str, n: int) -> object:
        if name == "busy":
            return ALONE
        return ValueError(name) if name == "bad" else f"{name}{n}"

    def by_itself(self, item: tuple[str, int]) -> str:
        self.free.wait(5)
        self.alone.append(item)
        return f"{item[0]}{item[1]} alone"


def group(recorder: Recorder, limit: int = 64) -> GroupCommit[tuple[str, int], str]:
    return GroupCommit(recorder, key=lambda item: item[0], alone=recorder.by_itself, limit=limit)


async def test_a_lone_call_goes_at_once_and_gets_its_result():
    recorder = Recorder()
    assert await group(recorder).submit(("ann", 1)) == "ann1"
    assert recorder.batches == [[("ann", 1)]]


async def behind_a_batch(commits, recorder, calls, *, gone=()) -> list[asyncio.Task]:
    """Submit ``calls`` while a first batch is held up in its thread (the callers of
    ``gone`` give up meanwhile), then let it go; their tasks."""
    recorder.release.clear()
    first = asyncio.create_task(commits.submit(("zed", 0)))
    await asyncio.sleep(0.05)
    tasks = [asyncio.create_task(commits.submit(call)) for call in calls]
    await asyncio.sleep(0.05)
    for i in gone:
        tasks[i].cancel()
    recorder.release.set()
    assert await first == "zed0"
    return tasks


async def test_calls_arriving_during_a_batch_go_together_in_the_next():
    recorder = Recorder()
    tasks = await behind_a_batch(group(recorder), recorder, [("bob", 1), ("cid", 1), ("dee", 1)])
    assert await asyncio.gather(*tasks) == ["bob1", "cid1", "dee1"]
    assert recorder.batches == [[("zed", 0)], [("bob", 1), ("cid", 1), ("dee", 1)]]


async def test_one_persons_calls_go_in_separate_batches_in_their_order():
    recorder = Recorder()
    calls = [("ann", 1), ("ann", 2), ("bob", 1), ("ann", 3), ("bob", 2)]
    tasks = await behind_a_batch(group(recorder), recorder, calls)
    assert await asyncio.gather(*tasks) == ["ann1", "ann2", "bob1", "ann3", "bob2"]
    assert recorder.batches[1:] == [
        [("ann", 1), ("bob", 1)],
        [("ann", 2), ("bob", 2)],
        [("ann", 3)],
    ]


async def test_a_batch_holds_at_most_the_limit():
    recorder = Recorder()
    calls = [(f"p{i}", 1) for i in range(5)]
    tasks = await behind_a_batch(group(recorder, limit=2), recorder, calls)
    await asyncio.gather(*tasks)
    assert [len(batch) for batch in recorder.batches] == [1, 2, 2, 1]


async def test_a_failing_item_fails_only_its_caller():
    recorder = Recorder()
    good, bad = await behind_a_batch(group(recorder), recorder, [("ann", 1), ("bad", 1)])
    assert await good == "ann1"
    with pytest.raises(ValueError, match="bad"):
        await bad


async def test_a_failing_batch_fails_every_caller_and_the_next_batch_still_runs():
    recorder = Recorder()
    commits = group(recorder)
    for task in await behind_a_batch(commits, recorder, [("ann", 1), ("boom", 1)]):
        with pytest.raises(RuntimeError, match="the batch failed"):
            await task
    assert await commits.submit(("ann", 2)) == "ann2"


async def test_a_caller_that_gave_up_before_its_batch_is_not_written():
    recorder = Recorder()
    _gone, kept = await behind_a_batch(
        group(recorder), recorder, [("ann", 1), ("bob", 1)], gone=[0]
    )
    assert await kept == "bob1"
    assert recorder.batches == [[("zed", 0)], [("bob", 1)]]


async def test_a_busy_item_runs_by_itself_without_holding_up_the_next_batches():
    recorder = Recorder()
    commits = group(recorder)
    recorder.free.clear()  # the busy person's own transaction waits for their lock
    busy = asyncio.create_task(commits.submit(("busy", 1)))
    await asyncio.sleep(0.05)
    after = asyncio.create_task(commits.submit(("busy", 2)))  # waits behind its first
    assert await commits.submit(("ann", 1)) == "ann1"  # others go on meanwhile
    assert not busy.done() and not after.done()
    recorder.free.set()
    assert await busy == "busy1 alone"
    assert await after == "busy2 alone"  # it was busy again, and ran after the first
    assert recorder.alone == [("busy", 1), ("busy", 2)]
    assert recorder.batches == [[("busy", 1)], [("ann", 1)], [("busy", 2)]]


def test_a_new_event_loop_starts_afresh():
    recorder = Recorder()
    commits = group(recorder)
    assert asyncio.run(commits.submit(("ann", 1))) == "ann1"
    assert asyncio.run(commits.submit(("ann", 2))) == "ann2"
