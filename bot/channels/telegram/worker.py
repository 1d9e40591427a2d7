"""The inbox worker: processes stored updates, each person's in order, people concurrently."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.conversations import AwaitingDelivery, Conversations
from bot.channels.telegram import metrics, sending
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.texts import SOMETHING_WRONG, TRY_AGAIN_SHORTLY
from bot.channels.telegram.update_log import UpdateRecord, recorded
from bot.store import Pending, Tx, is_unavailable
from bot.store.inbox import MARKED, OutOfOrder

log = logging.getLogger(__name__)

IDLE_POLL_S = 1.0
BATCH = 256  # due updates read per query
AWAIT_DELIVERY_S = 0.2  # a typed answer waits this long for its question's delivery
# People handled at once: as many as one group commit takes (GroupCommit's limit), so all
# of them can share a transaction.
CONCURRENCY = 64


class InboxWorker:
    """Feeds stored updates to the Application's handlers; retries or gives up on failures.

    Updates just stored are handed over at once (``offer``). Each round also reads a batch
    of due updates in one query (retries, and what a stopped process left behind) and starts
    one task per person (up to ``concurrency`` at once), which handles that person's updates
    in order.
    """

    def __init__(self, app: Application, relay: Relay, *, concurrency: int = CONCURRENCY):
        self.app = app
        self.relay = relay
        self.conversations: Conversations = app.bot_data["conversations"]
        self.store = self.conversations.store
        self.wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._busy: dict[str, asyncio.Task[bool]] = {}
        self._told: set[int] = set()  # updates whose person was told to try again
        # The newest update handed to each person's task, kept for people busy now or done
        # since the current due query began.
        self._handed: dict[str, int] = {}
        self._behind: set[str] = set()  # people offered updates while busy
        self._backlog = False  # the last due query was cut off at BATCH
        self._stopping = False

    async def _blocking(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.store.embedded:
            return func(*args, **kwargs)
        return await asyncio.to_thread(func, *args, **kwargs)

    async def _due(self) -> dict[str | None, list[Pending]]:
        """Due updates by person, each person's in order ({} while the database is away)."""
        try:
            batch: list[Pending] = await self._blocking(self.store.inbox.due, BATCH)
            self._backlog = len(batch) == BATCH  # more may wait behind these
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("inbox: the database is unavailable: %s", _first_line(exc))
            return {}
        by_person: dict[str | None, list[Pending]] = {}
        for pending in batch:
            by_person.setdefault(pending.person, []).append(pending)
        return by_person

    async def run(self) -> None:
        """Process forever: woken when updates arrive or a person is done, and every
        IDLE_POLL_S in any case."""
        while True:
            self.wake.clear()
            # The query may show updates being handled here, or handled while it ran (by a
            # person done meanwhile): only those after the last one handed over are new.
            self._handed = {key: last for key, last in self._handed.items() if key in self._busy}
            for person, updates in (await self._due()).items():
                key = person or ""
                handed = self._handed.get(key, -1)
                new = [pending for pending in updates if pending.update_id > handed]
                if key in self._busy:
                    if new:
                        self._behind.add(key)  # taken up when the person is done
                elif new:
                    self._start(person, new)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), IDLE_POLL_S)

    def offer(self, stored: list[Pending]) -> None:
        """Process updates just stored in the inbox (in update id order) without waiting for
        the next query of due updates. A person busy with earlier ones gets them from that
        query once done; if this process stops first, any process's query finds them."""
        by_person: dict[str | None, list[Pending]] = {}
        for pending in stored:
            by_person.setdefault(pending.person, []).append(pending)
        for person, updates in by_person.items():
            if (person or "") in self._busy:
                self._behind.add(person or "")
            else:
                self._start(person, updates)

    def _start(self, person: str | None, updates: list[Pending]) -> None:
        """Handle the person's updates, in order, in a task of their own."""
        if self._stopping:  # they stay stored: the next start takes them up
            return
        key = person or ""
        self._handed[key] = updates[-1].update_id
        task = asyncio.create_task(self._drain(person, updates))
        self._busy[key] = task
        task.add_done_callback(lambda t, k=key: self._finished(k, t))

    def _finished(self, key: str, task: asyncio.Task[bool]) -> None:
        self._busy.pop(key, None)
        failed = task.cancelled() or task.exception() is not None or not task.result()
        if failed or key in self._behind or self._backlog:  # updates wait in the inbox
            self._behind.discard(key)
            self.wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("inbox: processing failed", exc_info=task.exception())

    async def stop(self, timeout: float) -> None:
        """Let the updates being processed finish (up to ``timeout``), then cancel."""
        self._stopping = True
        busy = list(self._busy.values())
        if busy:
            _, late = await asyncio.wait(busy, timeout=timeout)
            for task in late:
                task.cancel()

    async def drain(self) -> None:
        """Process everything due, in order (tests)."""
        while batch := await self._due():
            for person, updates in batch.items():
                await self._drain(person, updates)

    async def _drain(self, person: str | None, updates: list[Pending]) -> bool:
        """Handle the person's updates in order; False when one waits for a retry."""
        async with self._slots:
            for pending in updates:
                with recorded(pending.update_id, person) as record:
                    done = await self._process(person, pending, record)
                if not done:
                    return False
        return True

    async def _process(self, person: str | None, pending: Pending, record: UpdateRecord) -> bool:
        """Handle one update; False when it failed and waits for a retry."""
        failures: dict[int, BaseException] = self.app.bot_data.setdefault("failures", {})
        failures.pop(pending.update_id, None)
        try:
            update = Update.de_json(json.loads(pending.payload or "{}"), self.app.bot)
        except Exception as exc:  # unreadable: nothing to answer, never retried
            log.error("unreadable update %s", pending.update_id, exc_info=exc)
            record.result = "unreadable"
            metrics.ERRORS.labels("unreadable").inc()
            return await self._claim(pending, person, record)
        marked: set[int] = set()
        token = MARKED.set(marked)
        try:
            await self.app.process_update(update)
        finally:
            MARKED.reset(token)
        _release_memory(self.app, update)
        error = failures.pop(pending.update_id, None)
        try:
            if error is None:
                self.relay.wake.set()
                if pending.update_id not in marked:
                    # An update no handler took (or refused) is marked processed here.
                    return await self._claim(pending, person, record)
                return True
            record.result = "retry"
            if isinstance(error, AwaitingDelivery):  # judged once the question arrived
                await self._blocking(
                    self.store.inbox.retry_later, pending.update_id, AWAIT_DELIVERY_S
                )
                asyncio.get_running_loop().call_later(AWAIT_DELIVERY_S, self.wake.set)
                return False
            if is_unavailable(error):  # retried until the database is back
                metrics.ERRORS.labels("database").inc()
                await self._retry_later(update, pending, error)
                return False
            # A bug, not a passing fault: retrying would fail the same way.
            record.result = "apology"
            metrics.ERRORS.labels("bug").inc()
            log.error("error while handling update %s", pending.update_id, exc_info=error)
            await self._blocking(
                self.conversations.respond,
                person or "",
                _apology(update),
                update_id=pending.update_id,
            )
            self.relay.wake.set()
            return True
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            record.result = "retry"
            metrics.ERRORS.labels("database").inc()
            await self._tell(update)
            log.warning("inbox: update %s waits for the database: %s", pending.update_id, exc)
            return False

    async def _claim(self, pending: Pending, person: str | None, record: UpdateRecord) -> bool:
        """Mark an update no step took processed; False while an older update of the person
        waits (in another process, or for a retry): it goes first, and this one after."""
        try:
            await self._blocking(self.store.claim, pending.update_id, person)
        except OutOfOrder:
            record.result = "retry"
            return False
        return True

    async def _retry_later(self, update: Update, pending: Pending, error: BaseException) -> None:
        delay = min(2.0**pending.attempts, 5.0)
        log.warning("update %s waits for the database: %s", pending.update_id, _first_line(error))
        await self._tell(update)
        await self._blocking(self.store.inbox.retry_later, pending.update_id, delay)

    async def _tell(self, update: Update) -> None:
        """Tell the person once, straight away, that their answer waits (no database needed)."""
        await tell_try_again(self.app, update, self._told)


async def tell_try_again(app: Application, update: Update, told: set[int]) -> None:
    """Send TRY_AGAIN_SHORTLY to a private chat once per update, bypassing the outbox."""
    chat = update.effective_chat
    if update.update_id in told or chat is None or chat.type != "private":
        return
    told.add(update.update_id)
    if len(told) > 10_000:
        told.clear()
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(TRY_AGAIN_SHORTLY)
        await app.bot.send_message(chat.id, TRY_AGAIN_SHORTLY)
    except TelegramError as exc:
        log.warning("could not tell chat about a delay: %s", exc)


def _release_memory(app: Application, update: Update) -> None:
    """Keep nothing per chat or user in memory (python-telegram-bot would keep it forever)."""
    if update.effective_chat is not None and update.effective_chat.id in app.chat_data:
        app.drop_chat_data(update.effective_chat.id)
    if update.effective_user is not None and update.effective_user.id in app.user_data:
        app.drop_user_data(update.effective_user.id)


def _apology(update: Update) -> Callable[[Tx], None]:
    chat_id = update.effective_chat.id if update.effective_chat else None
    query = update.callback_query

    def deliver(tx: Tx) -> None:
        if query is not None:
            tx.send(sending.answer(query.id, SOMETHING_WRONG))
        if chat_id is not None:
            tx.send(sending.message(chat_id, SOMETHING_WRONG, html=False))
            tx.resend_prompt()  # the person sees the current question again

    return deliver


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
