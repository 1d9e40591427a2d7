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

# Runs a batch in a worker thread: one result per item, in order; an exception stands for
# that item's failure and is raised to its caller.
RunBatch = Callable[[list[T]], list[R | BaseException]]


class GroupCommit(Generic[T, R]):
    """Batches concurrent ``submit`` calls; at most one item per ``key`` in a batch, so items
    of one key (one person) are written one after another, in the order they came."""

    def __init__(self, run_batch: RunBatch[T, R], *, key: Callable[[T], Hashable], limit: int = 64):
        self._run_batch = run_batch
        self._key = key
        self._limit = limit
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, item: T) -> R:
        """Write ``item`` with whatever else is waiting; its result, or its exception."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): nothing of the old one is left
            self._loop, self._waiting, self._runner = loop, [], None
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if self._runner is None:
            self._runner = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch = self._take()
                if not batch:  # every caller waiting gave up
                    break
                try:
                    results = await asyncio.to_thread(self._run_batch, [i for i, _ in batch])
                except asyncio.CancelledError:  # no caller may wait forever
                    for _, future in batch:
                        future.cancel()
                    raise
                except Exception as exc:  # the batch's own failures come back as results
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():  # its caller gave up waiting
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._runner = None
            for _, future in self._waiting:  # only left behind when cancelled
                future.cancel()
            self._waiting = []

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        """The next batch: the oldest waiting items, one per key, up to the limit. An item
        left behind keeps its place before later items of its key."""
        batch, rest, keys = [], [], set()
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
