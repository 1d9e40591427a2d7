"""The outbox relay: sends queued Bot API calls, each person's in order, and confirms them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.channels.telegram import metrics
from bot.channels.telegram.documents import DocumentSource, send_document
from bot.store import Outgoing, SessionStore, is_unavailable
from bot.store.outbox import Outcome

log = logging.getLogger(__name__)

IDLE_POLL_S = 1.0  # look for work left by other processes this often
SENDABLE = frozenset({"sendMessage", "editMessageText", "answerCallbackQuery"})
# Queued calls are already in Bot API form; going through Bot.send_message & co. would parse
# them into objects and back, which costs more than the step that made them.
warnings.filterwarnings("ignore", r"Please use 'Bot\.\w+' instead of", PTBUserWarning)


async def send(bot: Bot, outgoing: Outgoing, documents: DocumentSource | None = None) -> int | None:
    """Make the queued call; return the message id of a sent message.

    The queued call is already in Bot API form: it goes out as it is (through the rate
    limiter), and only the message id is read from the answer. A queued document names only
    its kind: it is rendered now, so no copy of personal data waits in the outbox."""
    call = json.loads(outgoing.payload)
    if call["method"] == "sendDocument":
        await send_document(bot, outgoing.person, dict(call["params"]), documents)
        return None
    if call["method"] not in SENDABLE:
        raise ValueError(f"not a method the outbox sends: {call['method']!r}")
    result = await bot.do_api_request(call["method"], api_kwargs=dict(call["params"]))
    return result.get("message_id") if isinstance(result, dict) else None


class Relay:
    """Delivers the outbox: leases the queues of several people at once and sends them in
    rounds, each person's in order, confirming each round in one transaction. In a round a
    person gets their harmless repeats (callback answers, edits: Telegram refuses them the
    second time) and at most one message that is not, so a crash before a confirmation
    still shows a person at most one message twice."""

    def __init__(
        self,
        bot: Bot,
        store: SessionStore,
        *,
        concurrency: int = 32,
        documents: DocumentSource | None = None,
    ):
        self.bot = bot
        self.store = store
        self.documents = documents
        self.wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._one_at_a_time = asyncio.Lock()  # run() and drain() never lease alike
        # A round that was sent but whose confirmation the database did not take: it is
        # confirmed before anything more is sent.
        self._unconfirmed: list[tuple[list[Outcome], list[Outgoing]]] = []
        # What was claimed together with the last confirmation (SQLite), sent next.
        self._claimed: list[Outgoing] | None = None

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.store.embedded:
            return func(*args)
        return await asyncio.to_thread(func, *args)

    async def deliver_once(self) -> int:
        """Lease what is due and send it, round by round; return how many were sent."""
        async with self._one_at_a_time:
            while self._unconfirmed:
                await self._blocking(self.store.outbox.settle, *self._unconfirmed[0])
                self._unconfirmed.pop(0)
            batch, self._claimed = self._claimed, None
            if batch is None:
                batch = await self._blocking(self.store.outbox.claim)
            queues: dict[str, list[Outgoing]] = {}
            for outgoing in batch:
                queues.setdefault(outgoing.person, []).append(outgoing)
            sent = 0
            while queues:
                chains = await asyncio.gather(*(self._send_some(q) for q in queues.values()))
                queues = {person: queue for person, queue in queues.items() if queue}
                outcomes = [outcome for done, _ in chains for outcome in done]
                release = [outgoing for _, held in chains for outgoing in held]
                sent += len(outcomes)
                for outcome in outcomes:
                    result = "retry" if outcome.retry_in is not None else "done"
                    metrics.MESSAGES_SENT.labels(result).inc()
                try:
                    if not queues and self.store.embedded:
                        # The last round: on SQLite the next batch is claimed in the same
                        # transaction, one commit fewer. (On PostgreSQL that would hold the
                        # people's locks longer, and their next steps would wait for them.)
                        self._claimed = self.store.outbox.settle_and_claim(outcomes, release)
                    else:
                        await self._blocking(self.store.outbox.settle, outcomes, release)
                except Exception as exc:
                    if not is_unavailable(exc):
                        raise
                    # Nothing more is sent before this round is confirmed; our leases on
                    # the rest are taken up again by the next claim.
                    self._unconfirmed.append((outcomes, release))
                    raise
                await self._scrub_after_erasure()
            return sent

    async def _send_some(self, queue: list[Outgoing]) -> tuple[list[Outcome], list[Outgoing]]:
        """Send a person's next messages in order, up to and including one that would matter
        if sent twice (harmless repeats need no confirmation in between). Return what became
        of them and, after a failure, the rest of the queue, which waits behind it."""
        outcomes: list[Outcome] = []
        while queue:
            outcome = await self._send(queue.pop(0))
            outcomes.append(outcome)
            if outcome.retry_in is not None:
                held = queue[:]
                queue.clear()
                return outcomes, held
            if not _repeatable(outcome):
                break
        return outcomes, []

    async def drain(self, rounds: int = 1000) -> None:
        """Deliver until the outbox has nothing due (tests and shutdown)."""
        for _ in range(rounds):
            if not await self.deliver_once():
                return
        if self._claimed:  # out of rounds: give back what was claimed and not sent
            claimed, self._claimed = self._claimed, None
            await self._blocking(self.store.outbox.settle, [], claimed)

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
            if self._claimed == []:  # the last confirmation found nothing more to send;
                self._claimed, sent = None, 0  # a step committed since has woken us
            if not sent:
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

    async def _send(self, outgoing: Outgoing) -> Outcome:
        """Send one message; say whether it is done with (sent or dropped) or to be retried."""
        async with self._slots:
            try:
                return Outcome(outgoing, await send(self.bot, outgoing, self.documents))
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after)
                log.warning("outbox: flood limit, message %s waits %ss", outgoing.id, delay)
                return Outcome(outgoing, retry_in=delay)
            except (Forbidden, BadRequest) as exc:  # will never succeed: drop it
                level = logging.DEBUG if "not modified" in str(exc) else logging.WARNING
                log.log(level, "outbox: dropped message %s: %s", outgoing.id, exc)
            except TelegramError as exc:
                if not _cosmetic(outgoing):
                    delay = min(2.0 ** min(outgoing.attempts, 5), 30.0)
                    log.warning("outbox: sending %s failed (%s); retry", outgoing.id, exc)
                    return Outcome(outgoing, retry_in=delay)
                # a spinner answer is useless later: drop it
                log.warning("outbox: dropped message %s: %s", outgoing.id, exc)
            except Exception:  # a malformed message would fail forever: drop it
                log.exception("outbox: dropped unsendable message %s", outgoing.id)
            return Outcome(outgoing)


def _calls(outgoing: Outgoing, *methods: str) -> bool:
    """Whether the queued call is one of ``methods`` (read from the payload's head)."""
    head = outgoing.payload[:40]
    return any(f'"{method}"' in head for method in methods)


def _cosmetic(outgoing: Outgoing) -> bool:
    return _calls(outgoing, "answerCallbackQuery")


def _repeatable(outcome: Outcome) -> bool:
    """Sent, and harmless if sent again: Telegram refuses a second answer to a callback
    query and an edit that changes nothing."""
    done = outcome.retry_in is None
    return done and _calls(outcome.outgoing, "answerCallbackQuery", "editMessageText")


def _seconds(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return float(seconds() if seconds else value)  # type: ignore[arg-type]


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
