"""Group commit: calls that arrive while a batch is being written become the next batch.

On a database server every transaction costs a thread hand-off, a connection checkout and a
commit round trip, whatever it holds. When many people write at once, their calls wait here
while the current batch runs in a worker thread, and then go together: one transaction and
one hand-off for the lot. A lone call goes at once, so nothing waits for company.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Alone:
    """A batch's answer for an item it could not take (its person is busy elsewhere): the
    item runs by itself in its own thread, and the batches behind it do not wait for it."""


ALONE = Alone()

# Runs a batch in a worker thread: one result per item, in order; an exception stands for
# that item's failure and is raised to its caller; ALONE sends the item to run by itself.
RunBatch = Callable[[list[T]], list[R | BaseException | Alone]]


class GroupCommit(Generic[T, R]):
    """Batches concurrent ``submit`` calls; at most one item per ``key`` in a batch, so items
    of one key (one person) are written one after another, in the order they came."""

    def __init__(
        self,
        run_batch: RunBatch[T, R],
        *,
        key: Callable[[T], Hashable],
        alone: Callable[[T], R],
        limit: int = 64,
    ):
        self._run_batch = run_batch
        self._alone = alone
        self._key = key
        self._limit = limit
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._apart: set[Hashable] = set()  # keys of items running by themselves
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, item: T) -> R:
        """Write ``item`` with whatever else is waiting; its result, or its exception."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): nothing of the old one is left
            self._loop, self._waiting, self._runner, self._apart = loop, [], None, set()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        self._start()
        return await future

    def _start(self) -> None:
        if self._runner is None and self._loop is not None:
            self._runner = self._loop.create_task(self._run())

    async def _run(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while batch := self._take():
                try:
                    results = await asyncio.to_thread(self._run_batch, [i for i, _ in batch])
                except Exception as exc:  # the batch's own failures come back as results
                    results = [exc] * len(batch)
                for (item, future), result in zip(batch, results, strict=True):
                    if isinstance(result, Alone):
                        self._by_itself(item, future)
                    elif future.done():  # its caller gave up waiting
                        continue
                    elif isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        except asyncio.CancelledError:  # no caller may wait forever
            for _, future in [*self._waiting, *batch]:
                future.cancel()
            self._waiting = []
            raise
        finally:
            self._runner = None

    def _by_itself(self, item: T, future: asyncio.Future[R]) -> None:
        key = self._key(item)
        self._apart.add(key)

        async def run() -> None:
            try:
                result: R | BaseException = await asyncio.to_thread(self._alone, item)
            except asyncio.CancelledError:
                future.cancel()
                raise
            except Exception as exc:
                result = exc
            finally:
                self._apart.discard(key)
            if not future.done():
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            self._start()  # items of its key may be waiting

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        """The next batch: the oldest waiting items, one per key and none of a key running
        by itself, up to the limit. An item left behind keeps its place before later items
        of its key."""
        batch, rest, keys = [], [], set(self._apart)
        for item, future in self._waiting:
            if future.cancelled():  # its caller is gone: not written
                continue
            key = self._key(item)
            if key not in keys and len(batch) < self._limit:
                batch.append((item, future))
            else:
                rest.append((item, future))
            keys.add(key)
        self._waiting = rest
        return batch
