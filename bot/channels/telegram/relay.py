"""The outbox relay: sends queued Bot API calls, each person's in order, and confirms them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.telegram.documents import DocumentSource, send_document
from bot.store import Outgoing, SessionStore, is_unavailable

log = logging.getLogger(__name__)

IDLE_POLL_S = 1.0  # look for work left by other processes this often


async def send(bot: Bot, outgoing: Outgoing, documents: DocumentSource | None = None) -> int | None:
    """Make the queued call; return the message id of a sent message."""
    call = json.loads(outgoing.payload)
    method, params = call["method"], dict(call["params"])
    if method == "sendDocument":
        await send_document(bot, outgoing.person, params, documents)
        return None
    if "reply_markup" in params:
        params["reply_markup"] = InlineKeyboardMarkup.de_json(params["reply_markup"], bot)
    senders: dict[str, Callable[..., Awaitable[Any]]] = {
        "sendMessage": bot.send_message,
        "editMessageText": bot.edit_message_text,
        "answerCallbackQuery": bot.answer_callback_query,
    }
    result = await senders[method](**params)
    return result.message_id if isinstance(result, Message) else None


class Relay:
    """Delivers the outbox: claims the oldest message of each person and sends it."""

    def __init__(
        self,
        bot: Bot,
        store: SessionStore,
        *,
        concurrency: int = 8,
        documents: DocumentSource | None = None,
    ):
        self.bot = bot
        self.store = store
        self.documents = documents
        self.wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        # Sent, but the database did not take the confirmation: confirm before sending more.
        self._unconfirmed: list[tuple[Outgoing, int | None]] = []

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.store.embedded:
            return func(*args)
        return await asyncio.to_thread(func, *args)

    async def deliver_once(self) -> int:
        """Claim and send one round (at most one message per person); return how many."""
        while self._unconfirmed:
            await self._blocking(self.store.outbox.delivered, *self._unconfirmed[0])
            self._unconfirmed.pop(0)
        batch: list[Outgoing] = await self._blocking(self.store.outbox.claim)
        if batch:
            await asyncio.gather(*(self._deliver(outgoing) for outgoing in batch))
        return len(batch)

    async def drain(self, rounds: int = 1000) -> None:
        """Deliver until the outbox has nothing due (tests and shutdown)."""
        for _ in range(rounds):
            if not await self.deliver_once():
                return

    async def run(self) -> None:
        """Deliver forever; woken after each step, and every IDLE_POLL_S in any case."""
        await self._blocking(self.store.outbox.release_dead)
        while True:
            self.wake.clear()
            try:
                sent = await self.deliver_once()
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                log.warning("outbox: the database is unavailable: %s", _short(exc))
                await asyncio.sleep(1.0)
                continue
            if not sent:
                await self._scrub_after_erasure()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), IDLE_POLL_S)

    async def _scrub_after_erasure(self) -> None:
        """On SQLite, truncate the WAL once an erasure's confirmation has gone out too
        (it names the chat). PostgreSQL's VACUUM is left to the scrub job."""
        if self.store.embedded and self.store.scrub_due:
            try:
                self.store.scrub(only_if_due=True)
            except Exception as exc:  # the scrub job tries again
                log.warning("outbox: could not checkpoint the WAL yet: %s", _short(exc))

    async def _deliver(self, outgoing: Outgoing) -> None:
        async with self._slots:
            try:
                message_id = await send(self.bot, outgoing, self.documents)
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after)
                log.warning("outbox: flood limit, message %s waits %ss", outgoing.id, delay)
                await self._blocking(self.store.outbox.retry_later, outgoing, delay)
                return
            except (Forbidden, BadRequest) as exc:  # will never succeed: drop it
                level = logging.DEBUG if "not modified" in str(exc) else logging.WARNING
                log.log(level, "outbox: dropped message %s: %s", outgoing.id, exc)
                message_id = None
            except TelegramError as exc:
                if _cosmetic(outgoing):  # a spinner answer is useless later: drop it
                    log.warning("outbox: dropped message %s: %s", outgoing.id, exc)
                    message_id = None
                else:
                    delay = min(2.0 ** min(outgoing.attempts, 5), 30.0)
                    log.warning("outbox: sending %s failed (%s); retry", outgoing.id, exc)
                    await self._blocking(self.store.outbox.retry_later, outgoing, delay)
                    return
            except Exception:  # a malformed message would fail forever: drop it
                log.exception("outbox: dropped unsendable message %s", outgoing.id)
                message_id = None
            try:
                await self._blocking(self.store.outbox.delivered, outgoing, message_id)
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                self._unconfirmed.append((outgoing, message_id))
        self.wake.set()  # that person's next message may be due now


def _cosmetic(outgoing: Outgoing) -> bool:
    return '"answerCallbackQuery"' in outgoing.payload[:40]


def _seconds(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return float(seconds() if seconds else value)  # type: ignore[arg-type]


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
