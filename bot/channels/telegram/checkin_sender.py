"""Sends due follow-up check-ins: a task of the running bot, through the durable outbox.

Each due check-in is fired in one transaction (``bot.channels.followups.fire``) that queues
its messages in the outbox; the relay delivers them under the rate limiter. At most
``per_second`` check-ins are fired a second (two messages each), well under the ~30
messages a second Telegram accepts from a bot, leaving room for conversations. A person who
blocked the bot gets a 403 from Telegram: the relay drops the message, and the check-in,
already claimed, is gone: nothing retries it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.channels.clock import Clock
from bot.channels.conversations import Conversations
from bot.channels.followups import fire
from bot.channels.telegram.person_keys import bot_prefix, chat_of
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.sending import ReplyTo
from bot.store import is_unavailable

log = logging.getLogger(__name__)

CHECKINS_PER_SECOND = 10
POLL_S = 1.0


class CheckinSender:
    """Fires due check-ins once a second, at most ``per_second`` of them."""

    def __init__(
        self,
        conversations: Conversations,
        relay: Relay,
        clock: Clock,
        *,
        bot_id: str,
        per_second: int = CHECKINS_PER_SECOND,
    ):
        self.bot_id = bot_id  # fires only this bot's check-ins (several may share a database)
        self.conversations = conversations
        self.store = conversations.store
        self.relay = relay
        self.clock = clock
        self.per_second = per_second

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.store.embedded:
            return func(*args)
        return await asyncio.to_thread(func, *args)

    async def fire_due(self) -> int:
        """Fire up to ``per_second`` due check-ins; return how many were sent."""
        now = self.clock()
        prefix = bot_prefix(self.bot_id)
        due = await self._blocking(self.store.checkins.due, now, self.per_second, prefix)
        sent = 0
        for checkin_id, person in due:
            chat_id = chat_of(person, self.bot_id)
            if chat_id is None:  # not a chat id: such a row can never be delivered
                await self._blocking(self._drop, checkin_id, person)
                continue
            deliver = ReplyTo(chat_id=chat_id).deliver
            result = await self._blocking(
                fire, self.conversations, checkin_id, person, now, deliver
            )
            if result.result is not None and (result.result.messages or result.result.prompt):
                sent += 1
        if sent:
            log.info("check-ins: %s due check-in(s) queued", sent)
            self.relay.wake.set()
        return sent

    def _drop(self, checkin_id: int, person: str) -> None:
        self.store.transact(person, lambda s, tx: (s, tx.checkins.cancel(checkin_id)))

    async def run(self) -> None:
        """Fire due check-ins forever; a database fault waits and tries again."""
        while True:
            try:
                await self.fire_due()
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                log.warning("check-ins: the database is unavailable; trying again shortly")
            await asyncio.sleep(POLL_S)
